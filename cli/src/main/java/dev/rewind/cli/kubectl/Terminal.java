package dev.rewind.cli.kubectl;

import java.io.Console;

/** Whether standard output is a terminal, where a progress bar can be redrawn in place. */
final class Terminal {

  private Terminal() {}

  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    // From Java 22 System.console() is there even when redirected; Console.isTerminal() then tells.
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException | ClassCastException olderJava) {
      return true;
    }
  }
}
