namespace MLNet.Autoencoders;

/// <summary>How a denoising autoencoder corrupts its training input (fresh noise for every batch; none at Transform time).</summary>
public enum CorruptionKind
{
    /// <summary>Adds Gaussian noise with standard deviation <see cref="DenoisingAutoencoderOptions.NoiseStandardDeviation"/>.</summary>
    Gaussian,
    /// <summary>Sets each value to zero with probability <see cref="DenoisingAutoencoderOptions.CorruptionFraction"/>.</summary>
    Masking,
    /// <summary>Sets each value, with probability <see cref="DenoisingAutoencoderOptions.CorruptionFraction"/>, to the column's
    /// minimum or maximum (half each, on average), the values seen in the training data.</summary>
    SaltAndPepper,
}
