package dev.vectorvit.model;

/** A {@link Stage} whose work is split over the session's team ({@link Workspace#onTeam}). */
interface TeamStage extends Stage {
    /** This member's share of the stage. */
    void member(Workspace w, int member, int members);
}
