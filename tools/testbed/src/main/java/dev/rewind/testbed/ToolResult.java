package dev.rewind.testbed;

/** How a run of kubectl or helm ended ({@link KubeTestBed#run}). */
public record ToolResult(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Throws with the whole output unless the run succeeded; returns this for chaining. */
    public ToolResult assertSuccess() {
        if (!succeeded()) {
            throw new AssertionError("exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
        }
        return this;
    }
}
