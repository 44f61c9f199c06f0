using MLNet.Autoencoders.Networks;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>The two terms of a VAE's negative ELBO, per row, in nats.</summary>
internal static class VaeLoss
{
    /// <summary>−log p(x|z) per row from the decoder's raw output (Bernoulli logits or Gaussian means): shape [N].</summary>
    public static Tensor Reconstruction(Tensor output, Tensor x, VaeArchitecture architecture)
    {
        if (architecture.Likelihood == VaeLikelihood.Bernoulli)
            // From the logits: numerically stable, and equal to BCE on the sigmoid output.
            return nn.functional.binary_cross_entropy_with_logits(output, x, reduction: nn.Reduction.None).sum(-1);
        double variance = architecture.GaussianVariance;
        double constant = 0.5 * x.shape[^1] * Math.Log(2 * Math.PI * variance);
        return (x - output).square().sum(-1) / (2 * variance) + constant;
    }

    /// <summary>KL(N(mean, σ²) ‖ N(0, I)) per row, in closed form: −½ Σ (1 + log σ² − mean² − σ²)
    /// (Kingma &amp; Welling 2014, "Auto-Encoding Variational Bayes", Appendix B): shape [N].</summary>
    public static Tensor Kl(Tensor mean, Tensor logVariance) =>
        -0.5 * (1 + logVariance - mean.square() - logVariance.exp()).sum(-1);

    /// <summary>log N(z; mean, σ²) per row (diagonal Gaussian), for importance weights: shape [...].</summary>
    public static Tensor LogNormal(Tensor z, Tensor mean, Tensor logVariance) =>
        -0.5 * ((z - mean).square() / logVariance.exp() + logVariance + Math.Log(2 * Math.PI)).sum(-1);

    /// <summary>log N(z; 0, I) per row.</summary>
    public static Tensor LogStandardNormal(Tensor z) => -0.5 * (z.square() + Math.Log(2 * Math.PI)).sum(-1);
}
