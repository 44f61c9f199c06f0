using MLNet.Autoencoders.Tests.Support;

namespace MLNet.Autoencoders.Tests.Vae;

/// <summary>Options for a small, fast VAE on <see cref="SyntheticData"/> (20 features in (0, 1)).</summary>
internal static class SmallVae
{
    public static VaeOptions Options(Action<VaeOptions>? change = null)
    {
        var options = new VaeOptions
        {
            OutputColumnName = "Latent",
            InputColumnName = "Features",
            LatentDimension = 3,
            HiddenLayerSizes = [16],
            Epochs = 5,
            BatchSize = 32,
            LearningRate = 1e-2,
            Seed = 1,
        };
        change?.Invoke(options);
        return options;
    }
}
