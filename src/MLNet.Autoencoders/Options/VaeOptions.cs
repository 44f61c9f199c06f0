namespace MLNet.Autoencoders;

/// <summary>
/// Everything that shapes a <see cref="VaeEstimator"/>: the columns, the network, the likelihood, the KL weight and the
/// training loop. Pass it to <c>mlContext.Transforms.Vae(options)</c>.
/// </summary>
/// <remarks>The defaults reproduce the reference 784-512-256-z20 Bernoulli VAE: ReLU hidden layers, Adam with learning
/// rate 1e-3, batches of 128 rows, 20 epochs, beta 1 (the ELBO).</remarks>
public sealed class VaeOptions : AutoencoderOptionsBase
{
    /// <summary>Creates options with the VAE's defaults (latent size 20, batches of 128).</summary>
    public VaeOptions()
    {
        LatentDimension = VaeEstimator.Defaults.LatentDimension;
        BatchSize = VaeEstimator.Defaults.BatchSize;
    }

    /// <summary>The likelihood of the input given the latent. Default <see cref="VaeLikelihood.Bernoulli"/>, which needs data in [0, 1].</summary>
    public VaeLikelihood Likelihood { get; set; } = VaeEstimator.Defaults.Likelihood;

    /// <summary>The fixed variance of the <see cref="VaeLikelihood.Gaussian"/> likelihood; smaller values weigh the
    /// reconstruction more against the KL term. Must be positive. Default 1 (suits standardized data). Ignored for Bernoulli.</summary>
    public double GaussianVariance { get; set; } = VaeEstimator.Defaults.GaussianVariance;

    /// <summary>Weight on the KL term (Higgins et al. 2017). 1 (default) trains on the ELBO; above 1 gives more disentangled,
    /// blurrier models; 0 trains the reconstruction term alone (an autoencoder with a noisy latent). Must be 0 or more.</summary>
    public double Beta { get; set; } = VaeEstimator.Defaults.Beta;

    /// <summary>Epochs over which the KL weight ramps linearly, step by step, from 0 to <see cref="Beta"/> (KL annealing,
    /// Bowman et al. 2016): it keeps the latent from collapsing early. 0 (default): full weight from the first step.</summary>
    public int KlWarmupEpochs { get; set; }

    /// <summary>What <see cref="AutoencoderOptionsBase.OutputColumnName"/> holds: the posterior mean (default, deterministic)
    /// or a fresh seeded draw per row.</summary>
    public VaeOutput Output { get; set; } = VaeEstimator.Defaults.Output;

    /// <summary>Optional column that receives log σ² of q(z|x) (a vector of the latent size). Null (default): not produced.</summary>
    public string? LogVarianceColumnName { get; set; }

    /// <summary>Optional column that receives a per-row anomaly score: the negative ELBO, in nats, evaluated at the
    /// posterior mean (reconstruction term of the decoded mean + the exact KL term), so it is deterministic. It is a
    /// known-size vector of one Single (ML.NET's OnnxTransformer cannot serve scalar outputs, dotnet/machinelearning#7225).
    /// Null (default): not produced.</summary>
    public string? ScoreColumnName { get; set; }

    /// <summary>A deep copy (the callback and token are shared).</summary>
    internal VaeOptions Clone()
    {
        var copy = new VaeOptions();
        CopySharedTo(copy);
        copy.Likelihood = Likelihood;
        copy.GaussianVariance = GaussianVariance;
        copy.Beta = Beta;
        copy.KlWarmupEpochs = KlWarmupEpochs;
        copy.Output = Output;
        copy.LogVarianceColumnName = LogVarianceColumnName;
        copy.ScoreColumnName = ScoreColumnName;
        return copy;
    }
}
