package dev.rewind.cli;

import dev.rewind.api.manifest.ManifestException;
import picocli.CommandLine;

/**
 * Turns an exception out of a command into a message and an exit code. Invalid files name the file and field
 * (that is the whole message); other failures print their message, without a stack trace, which an operator at
 * 3 a.m. does not need.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

  /** A problem with what the user gave, worded for them. */
  static final class Invalid extends RuntimeException {
    Invalid(String message) {
      super(message);
    }
  }

  /** The store could not be reached or used. */
  static final class StoreFailure extends RuntimeException {
    StoreFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    var err = command.getErr();
    if (e instanceof ManifestException || e instanceof Invalid) {
      err.println(e.getMessage());
      err.flush();
      return ExitCodes.INVALID;
    }
    if (e instanceof StoreFailure) {
      err.println(e.getMessage() + (e.getCause() == null ? "" : ": " + describe(e.getCause())));
      err.flush();
      return ExitCodes.STORE;
    }
    err.println("rewind " + command.getCommandName() + " failed: " + describe(e));
    err.flush();
    return ExitCodes.STORE;
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root && (root.getMessage() == null
        || root instanceof java.util.concurrent.CompletionException)) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
