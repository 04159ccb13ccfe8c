package dev.vectorvit.model;

/**
 * One step of a forward pass (patch embedding, a block's LayerNorm, linear layers and attention, the
 * final norm, the head): it holds its weights, counts its FLOPs and runs on a session's {@link Workspace}.
 * Stages are immutable and shared by every session of a model; the pass's state lives in the workspace.
 * The session times each stage under {@link #op()} and shows {@link #show} to a probe.
 */
interface Stage {
    /** What the profile charges this stage's wall time to; null for a stage whose members time themselves. */
    Op op();

    /** FLOPs this stage does for {@code op} in a pass of {@code batch} images; only GEMMs are counted. */
    default double flops(Op op, int batch) {
        return 0;
    }

    void run(Workspace w);

    /** Shows this stage's output to {@code probe}, if it is one that golden tests look at. */
    default void show(Workspace w, InferenceSession.Probe probe) {}
}
