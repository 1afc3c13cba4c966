package dev.rewind.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the directory with etcd, kube-apiserver, kubectl and helm built by
 * {@code tools/kube/build.sh}: the system property {@code rewind.kube.bin} or the environment
 * variable {@code REWIND_KUBE_BIN} if set, otherwise what {@code build.sh --print-bin-dir} answers
 * (found by walking up from the working directory, which is a module directory under Maven).
 */
final class KubeBinaries {

    static final String BUILD_SCRIPT = "tools/kube/build.sh";
    private static final List<String> REQUIRED = List.of("etcd", "kube-apiserver");

    private KubeBinaries() {
    }

    static Path locate() {
        String configured = System.getProperty("rewind.kube.bin", System.getenv("REWIND_KUBE_BIN"));
        Path binDir = configured != null && !configured.isBlank() ? Path.of(configured) : askBuildScript();
        for (String binary : REQUIRED) {
            if (!Files.isExecutable(binDir.resolve(binary))) {
                throw new IllegalStateException("The Kubernetes test binaries are missing: no executable "
                        + binDir.resolve(binary) + ". Build them with `" + BUILD_SCRIPT + "` from the"
                        + " repository root (or `./mvnw -pl tools/testbed verify`), or set REWIND_KUBE_BIN"
                        + " (or -Drewind.kube.bin) to a directory that holds " + REQUIRED + ".");
            }
        }
        return binDir;
    }

    private static Path askBuildScript() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        Path script = null;
        for (Path dir = start; dir != null && script == null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(BUILD_SCRIPT))) {
                script = dir.resolve(BUILD_SCRIPT);
            }
        }
        if (script == null) {
            throw new IllegalStateException("Cannot find " + BUILD_SCRIPT + " in " + start + " or above;"
                    + " set REWIND_KUBE_BIN (or -Drewind.kube.bin) to the directory with etcd and kube-apiserver.");
        }
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "--print-bin-dir");
        String cache = System.getProperty("rewind.tools.cache");
        if (cache != null && !cache.isBlank()) {
            builder.environment().put("REWIND_TOOLS_CACHE", cache);
        }
        try {
            Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            int status = process.waitFor();
            if (status != 0 || out.isEmpty()) {
                throw new IllegalStateException(script + " --print-bin-dir failed with status " + status);
            }
            return Path.of(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script + " --print-bin-dir", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + script + " for the bin dir", e);
        }
    }
}
