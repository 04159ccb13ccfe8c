package dev.vectorvit.jmh.ladder;

import org.openjdk.jmh.annotations.Fork;

/** {@link VectorWidthBench} with the library forced to 256-bit vectors (8 floats). */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dvectorvit.vectorBits=256"})
public class Width256Bench extends VectorWidthBench {}
