namespace MLNet.Autoencoders;

/// <summary>How a VAE's decoder scores the input given a latent: the reconstruction term of the ELBO.</summary>
public enum VaeLikelihood
{
    /// <summary>Independent Bernoulli per value: binary cross-entropy summed over the row. For data in [0, 1]
    /// (pixels); the decoder's output is the Bernoulli mean (a sigmoid).</summary>
    Bernoulli,

    /// <summary>Independent Gaussian per value with the fixed variance <see cref="VaeOptions.GaussianVariance"/>:
    /// squared error / (2 × variance) + ½ log(2π × variance), summed over the row. For continuous data; the decoder's
    /// output is the Gaussian mean (linear).</summary>
    Gaussian,
}
