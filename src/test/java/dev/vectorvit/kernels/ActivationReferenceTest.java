package dev.vectorvit.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The double references the vector activations are held to, against PyTorch itself: each row is x,
 * {@code x * torch.sigmoid(1.702 * x)} (Hugging Face's QuickGELUActivation) and
 * {@code F.gelu(x, approximate="tanh")} ("gelu_pytorch_tanh"), computed by PyTorch 1.13 in float64.
 */
class ActivationReferenceTest {
    private static final double[][] PYTORCH = {
        {-60.0, -2.6791606655287546e-43, -0.0},
        {-8.0, -9.766428865730381e-06, -0.0},
        {-3.0, -0.01807130970778597, -0.0036373920817729943},
        {-1.5, -0.10833780155292341, -0.10042842301976707},
        {-0.5, -0.1496115633936199, -0.15428599017485606},
        {-0.001, -0.0004995745001027158, -0.000499601057786418},
        {0.0, 0.0, 0.0},
        {0.001, 0.0005004254998972841, 0.000500398942213582},
        {0.5, 0.35038843660638014, 0.34571400982514394},
        {1.0, 0.8457957659328212, 0.8411919906082768},
        {1.4101057579318448, 1.2928234597030472, 1.2981170017426111},
        {3.0, 2.981928690292214, 2.996362607918227},
        {10.0, 9.99999959420387, 10.0},
    };

    @Test
    void quickGeluAndGeluTanhAreTorchs() {
        for (double[] row : PYTORCH) {
            double x = row[0];
            double tolerance = 1e-15 * Math.max(1, Math.abs(x));
            assertEquals(row[1], ScalarKernels.activate(Activation.QUICK_GELU, x), tolerance, "quick_gelu(" + x + ")");
            assertEquals(row[2], ScalarKernels.activate(Activation.GELU_TANH, x), tolerance, "gelu_tanh(" + x + ")");
        }
    }
}
