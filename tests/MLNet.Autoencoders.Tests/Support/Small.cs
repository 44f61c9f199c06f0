namespace MLNet.Autoencoders.Tests.Support;

/// <summary>Options for a small, fast autoencoder on <see cref="SyntheticData"/> (20 features).</summary>
public static class Small
{
    public static AutoencoderOptions Options(Action<AutoencoderOptions>? change = null)
    {
        var options = new AutoencoderOptions
        {
            OutputColumnName = "Latent",
            InputColumnName = "Features",
            LatentDimension = 3,
            HiddenLayerSizes = [16],
            Epochs = 5,
            BatchSize = 32,
            LearningRate = 1e-2,
        };
        change?.Invoke(options);
        return options;
    }
}
