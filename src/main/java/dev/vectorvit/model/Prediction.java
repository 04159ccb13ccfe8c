package dev.vectorvit.model;

/** One class of a classification: its index, label and softmax probability. */
public record Prediction(int index, String label, double probability) {}
