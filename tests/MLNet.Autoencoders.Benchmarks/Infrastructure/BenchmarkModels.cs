using Microsoft.ML;

namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>
/// The reference models of ../shared/REFERENCE.md, by the part names ref.py uses, built with this library's public API:
/// the same architecture, loss, optimizer, batch size and epoch count as the PyTorch script.
/// </summary>
internal static class BenchmarkModels
{
    /// <summary>Our model names, each with the ref.py part that trains the same model.</summary>
    public static readonly IReadOnlyDictionary<string, string> ReferencePart = new Dictionary<string, string>
    {
        ["mlp"] = "mlp_mse", ["bce"] = "mlp_bce", ["tied"] = "tied", ["dae_gauss"] = "dae_gauss", ["dae_mask"] = "dae_mask",
        ["vae"] = "vae", ["vae_bin"] = "vae_bin", ["conv"] = "conv", ["stacked"] = "stacked",
    };

    /// <summary>The reference's epoch count for a model.</summary>
    public static int DefaultEpochs(string model) => model switch { "conv" or "stacked" => 10, _ => 20 };

    /// <summary>Options for <paramref name="model"/>; the caller sets epochs, callbacks and columns it needs.</summary>
    public static AutoencoderOptionsBase Options(string model)
    {
        AutoencoderOptionsBase options = model switch
        {
            "mlp" or "tied" or "stacked" => new AutoencoderOptions { TiedWeights = model == "tied" },
            "bce" => new AutoencoderOptions { Loss = ReconstructionLoss.BinaryCrossEntropy },
            "dae_gauss" => new DenoisingAutoencoderOptions { Corruption = CorruptionKind.Gaussian, NoiseStandardDeviation = 0.3, ClipMinimum = 0, ClipMaximum = 1 },
            "dae_mask" => new DenoisingAutoencoderOptions { Corruption = CorruptionKind.Masking, CorruptionFraction = 0.3 },
            "vae" or "vae_bin" => new VaeOptions { LatentDimension = 20, BatchSize = 128, Likelihood = VaeLikelihood.Bernoulli },
            // conv(32, 3, s2) → conv(64, 3, s2) → linear 32, mirrored with transposed convolutions (the reference's ConvAE).
            "conv" => new AutoencoderOptions { HiddenLayerSizes = [], Convolution = new ConvolutionOptions(new ImageShape(1, 28, 28)) },
            _ => throw new ArgumentException($"Unknown model '{model}'. Known: {string.Join(", ", ReferencePart.Keys)}.", nameof(model)),
        };
        if (model == "stacked" && options is AutoencoderOptions stacked)
        {
            stacked.Pretraining = Pretraining.GreedyLayerWise;
            stacked.PretrainingEpochsPerLayer = 5;
        }
        options.InputColumnName = "Features";
        options.OutputColumnName = "Latent";
        options.Epochs = DefaultEpochs(model);
        return options;
    }

    /// <summary>Fits the estimator the options call for.</summary>
    public static FittedModel Fit(MLContext mlContext, AutoencoderOptionsBase options, IDataView data) => options switch
    {
        VaeOptions vae => FittedModel.From(mlContext.Transforms.Vae(vae).Fit(data)),
        DenoisingAutoencoderOptions denoising => FittedModel.From(mlContext.Transforms.DenoisingAutoencoder(denoising).Fit(data)),
        AutoencoderOptions autoencoder => FittedModel.From(mlContext.Transforms.Autoencoder(autoencoder).Fit(data)),
        _ => throw new ArgumentException($"Unexpected options type {options.GetType().Name}.", nameof(options)),
    };
}

/// <summary>A fitted transformer of either kind with its training history.</summary>
internal sealed record FittedModel(ITransformer Transformer, IReadOnlyList<EpochReport> History) : IDisposable
{
    public static FittedModel From(AutoencoderTransformer t) => new(t, t.TrainingHistory);

    public static FittedModel From(VaeTransformer t) => new(t, t.TrainingHistory);

    /// <summary>Seconds of each end-to-end training epoch (pretraining stages left out).</summary>
    public double[] EpochSeconds => History.Where(h => h.Stage == EpochReport.TrainingStage).Select(h => h.Elapsed.TotalSeconds).ToArray();

    public void Dispose() => (Transformer as IDisposable)?.Dispose();
}
