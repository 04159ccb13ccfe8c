/** vectorvit: Vision Transformer inference with the Vector API over off-heap memory. */
module dev.vectorvit {
    requires jdk.incubator.vector;
    requires transitive java.desktop; // ImageIO; Images exposes BufferedImage

    exports dev.vectorvit.tensor;
    exports dev.vectorvit.kernels;
    exports dev.vectorvit.io;
    exports dev.vectorvit.model;
}
