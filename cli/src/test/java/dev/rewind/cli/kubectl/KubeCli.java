package dev.rewind.cli.kubectl;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kubectl plugin's command line in this JVM and keeps what it printed. */
record KubeCli(int exitCode, String out, String err) {

  static KubeCli run(String... args) {
    return run(new StringWriter(), new StringWriter(), args);
  }

  /** With writers the caller reads while the command runs (StringWriter is thread-safe). */
  static KubeCli run(StringWriter out, StringWriter err, String... args) {
    int code = KubectlRewind.commandLine()
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new KubeCli(code, out.toString(), err.toString());
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
