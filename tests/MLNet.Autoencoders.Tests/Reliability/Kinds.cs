using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Tests.Support;

namespace MLNet.Autoencoders.Tests.Reliability;

/// <summary>The two estimator kinds, so a reliability test can run on both.</summary>
public enum Kind
{
    Plain,
    Denoising,
}

/// <summary>Small options and estimators of either kind, on <see cref="SyntheticData"/> (20 features).</summary>
internal static class Kinds
{
    /// <summary><see cref="Small.Options"/>, as a <see cref="DenoisingAutoencoderOptions"/> for the denoising kind.</summary>
    public static AutoencoderOptions Options(Kind kind, Action<AutoencoderOptions>? change = null)
    {
        var small = Small.Options();
        AutoencoderOptions options = kind == Kind.Plain ? new AutoencoderOptions() : new DenoisingAutoencoderOptions();
        options.OutputColumnName = small.OutputColumnName;
        options.InputColumnName = small.InputColumnName;
        options.LatentDimension = small.LatentDimension;
        options.HiddenLayerSizes = small.HiddenLayerSizes;
        options.Epochs = small.Epochs;
        options.BatchSize = small.BatchSize;
        options.LearningRate = small.LearningRate;
        options.Seed = 1;
        change?.Invoke(options);
        return options;
    }

    public static IEstimator<AutoencoderTransformer> Estimator(MLContext ml, AutoencoderOptions options) =>
        options is DenoisingAutoencoderOptions denoising
            ? ml.Transforms.DenoisingAutoencoder(denoising)
            : ml.Transforms.Autoencoder(options);

    public static IEstimator<AutoencoderTransformer> Estimator(MLContext ml, Kind kind, Action<AutoencoderOptions>? change = null) =>
        Estimator(ml, Options(kind, change));
}

/// <summary>A row of 20 features, for prediction engines.</summary>
public sealed class FeaturesRow
{
    [VectorType(20)] public float[] Features { get; set; } = [];
}

/// <summary>The latent and reconstruction columns, as these tests name them.</summary>
public sealed class ScoredRow
{
    [VectorType(3)] public float[] Latent { get; set; } = [];
    [VectorType(20)] public float[] Reconstruction { get; set; } = [];
}
