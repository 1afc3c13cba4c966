package dev.rewind.e2e.alerts;

import dev.rewind.journal.testing.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** prometheus or alertmanager as its own process, its output in a log file, stopped on close. */
final class ToolProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final Path log;
  private final Process process;
  final int port;

  private ToolProcess(String name, Path log, Process process, int port) {
    this.name = name;
    this.log = log;
    this.process = process;
    this.port = port;
  }

  /** Starts BINARY ARGS... in {@code dir} and waits until {@code GET /-/ready} answers 200 on {@code port}. */
  static ToolProcess start(String binary, Path dir, int port, String... args) {
    Path log = dir.resolve(binary + ".log");
    List<String> command = new ArrayList<>(List.of(PrometheusTools.binary(binary).toString()));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ToolProcess tool = new ToolProcess(binary, log, process, port);
    Processes.awaitReady(process, () -> tool.status("/-/ready") == 200, Duration.ofSeconds(60), binary,
        tool::output);
    return tool;
  }

  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  int status(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String get(String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(" + name + " log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() {
    Processes.stop(process);
  }
}
