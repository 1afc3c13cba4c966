package dev.rewind.operator.query;

import dev.rewind.testbed.KubeTestBed;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kubectl proxy} with one user's kubeconfig, on a free port of 127.0.0.1: how a user opens the console with
 * their own credentials. Runs until closed.
 */
final class KubectlProxy implements AutoCloseable {

  private static final Pattern SERVING = Pattern.compile("Starting to serve on 127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final int port;

  private KubectlProxy(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static KubectlProxy start(KubeTestBed kube, Path kubeconfig) {
    ProcessBuilder builder = new ProcessBuilder(kube.binary("kubectl").toString(), "proxy", "--port=0",
        "--address=127.0.0.1").redirectErrorStream(true);
    builder.environment().put("KUBECONFIG", kubeconfig.toString());
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
      CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
        try {
          StringBuilder seen = new StringBuilder();
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = SERVING.matcher(line);
            if (m.find()) {
              return Integer.parseInt(m.group(1));
            }
            seen.append(line).append('\n');
          }
          throw new IllegalStateException("kubectl proxy ended without serving: " + seen);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      return new KubectlProxy(process, port.get(30, TimeUnit.SECONDS));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start kubectl proxy", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("kubectl proxy did not start serving", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The address of a path through the proxy. */
  String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
