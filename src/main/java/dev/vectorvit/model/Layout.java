package dev.vectorvit.model;

/** The two checkpoint layouts this library reads, told apart by their key names. */
public enum Layout {
    /** Hugging Face {@code ViTForImageClassification}: separate query/key/value, "vit." prefix. */
    HUGGING_FACE("vit.embeddings.cls_token"),
    /** timm {@code VisionTransformer}: fused qkv, "blocks.{i}." prefix. */
    TIMM("cls_token");

    private final String marker;

    Layout(String marker) {
        this.marker = marker;
    }

    /** A tensor name present in every checkpoint of this layout. */
    public String marker() {
        return marker;
    }
}
