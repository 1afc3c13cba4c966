package dev.rewind.testbed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The temporary directory of one test bed (certificates, etcd data, logs, kubeconfig files), and
 * the guard against servers outliving their test JVM.
 *
 * <p>A test JVM killed with SIGKILL runs no shutdown hook, so two things clean up after it: a
 * small watchdog shell process ({@code watchdog.sh}) that stops the servers once the JVM's pid is
 * gone, and, should the watchdog have been killed as well, the next test bed start, which stops the
 * servers of any work directory whose owner JVM no longer runs. Both only touch pids listed in
 * the directory whose command line still names it.
 */
final class WorkDir implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(WorkDir.class.getName());
    private static final String PREFIX = "rewind-kube-";
    private static final String OWNER = "owner";
    private static final String PIDS = "pids";

    private final Path path;

    private WorkDir(Path path) {
        this.path = path;
    }

    static WorkDir create() {
        Path tempRoot = Path.of(System.getProperty("java.io.tmpdir"));
        stopAbandoned(tempRoot);
        try {
            Path dir = Files.createTempDirectory(tempRoot, PREFIX);
            // Written aside and moved, so that another JVM looking for abandoned directories
            // never reads a half-written owner.
            Path owner = Files.writeString(dir.resolve(OWNER + ".tmp"), ownerId(ProcessHandle.current()));
            Files.move(owner, dir.resolve(OWNER), StandardCopyOption.ATOMIC_MOVE);
            WorkDir workDir = new WorkDir(dir);
            workDir.startWatchdog();
            return workDir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test bed's work directory in " + tempRoot, e);
        }
    }

    Path path() {
        return path;
    }

    Path resolve(String first, String... more) {
        Path resolved = path.resolve(Path.of(first, more));
        try {
            Files.createDirectories(resolved.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + resolved.getParent(), e);
        }
        return resolved;
    }

    Path write(String name, String content) {
        try {
            return Files.writeString(resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " in " + path, e);
        }
    }

    synchronized void recordServerPid(long pid) {
        try {
            Files.writeString(path.resolve(PIDS), pid + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record pid " + pid + " in " + path, e);
        }
    }

    /** Deletes the directory; the watchdog sees it gone and exits. Call after the servers stopped. */
    @Override
    public void close() {
        deleteRecursively(path);
    }

    private void startWatchdog() throws IOException {
        String script;
        try (InputStream in = WorkDir.class.getResourceAsStream("watchdog.sh")) {
            if (in == null) {
                throw new IllegalStateException("watchdog.sh is missing from the rewind-testbed jar");
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Process watchdog = new ProcessBuilder("sh", "-c", script, "rewind-kube-watchdog",
                Long.toString(ProcessHandle.current().pid()), path.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        watchdog.getOutputStream().close();
    }

    /** Identifies a process across pid reuse: its pid plus its start time, where the OS tells it. */
    private static String ownerId(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    private static boolean ownerAlive(String ownerId) {
        String[] parts = ownerId.trim().split(" ");
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
        return process.isPresent() && (parts[1].equals("-1") || ownerId(process.get()).equals(ownerId.trim()));
    }

    private static void stopAbandoned(Path tempRoot) {
        List<Path> candidates;
        try (Stream<Path> entries = Files.list(tempRoot)) {
            candidates = entries.filter(p -> p.getFileName().toString().startsWith(PREFIX))
                    .filter(p -> Files.isRegularFile(p.resolve(OWNER)))
                    .toList();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot look for abandoned test beds in " + tempRoot, e);
            return;
        }
        for (Path dir : candidates) {
            try {
                if (ownerAlive(Files.readString(dir.resolve(OWNER)))) {
                    continue;
                }
                LOG.log(Level.WARNING, "stopping the servers of an abandoned test bed in " + dir);
                if (Files.exists(dir.resolve(PIDS))) {
                    for (String pid : Files.readAllLines(dir.resolve(PIDS))) {
                        ProcessHandle.of(Long.parseLong(pid.trim()))
                                .filter(process -> process.info().commandLine().orElse("").contains(dir.toString()))
                                .ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                deleteRecursively(dir);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot clean up the abandoned test bed in " + dir, e);
            }
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + dir, e);
        }
    }
}
