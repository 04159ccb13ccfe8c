package dev.vectorvit.jmh.ladder;

import org.openjdk.jmh.annotations.Fork;

/** {@link VectorWidthBench} at the preferred vector width (FloatVector.SPECIES_PREFERRED). */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class WidthPreferredBench extends VectorWidthBench {}
