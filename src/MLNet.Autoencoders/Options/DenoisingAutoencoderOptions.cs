namespace MLNet.Autoencoders;

/// <summary>
/// Options of a <see cref="DenoisingAutoencoderEstimator"/>: every autoencoder option, plus how the input is corrupted
/// during training. The network learns to rebuild the clean row from a corrupted copy (Vincent et al. 2008), so its
/// reconstruction column is a denoised input and its latent resists noise.
/// </summary>
public sealed class DenoisingAutoencoderOptions : AutoencoderOptions
{
    /// <summary>The kind of corruption. Default <see cref="CorruptionKind.Gaussian"/>.</summary>
    public CorruptionKind Corruption { get; set; } = DenoisingAutoencoderEstimator.Defaults.Corruption;

    /// <summary>Standard deviation of the Gaussian noise (<see cref="CorruptionKind.Gaussian"/> only). Must be 0 or more. Default 0.3.</summary>
    public double NoiseStandardDeviation { get; set; } = DenoisingAutoencoderEstimator.Defaults.NoiseStandardDeviation;

    /// <summary>Fraction of values corrupted (<see cref="CorruptionKind.Masking"/> and <see cref="CorruptionKind.SaltAndPepper"/>).
    /// Must lie in [0, 1]. Default 0.3.</summary>
    public double CorruptionFraction { get; set; } = DenoisingAutoencoderEstimator.Defaults.CorruptionFraction;

    /// <summary>Lower bound the corrupted input is clipped to; set with <see cref="ClipMaximum"/>, or leave both null (default)
    /// for no clipping. For pixels in [0, 1], set 0 and 1.</summary>
    public float? ClipMinimum { get; set; }

    /// <summary>Upper bound the corrupted input is clipped to; must exceed <see cref="ClipMinimum"/>. Default null (no clipping).</summary>
    public float? ClipMaximum { get; set; }
}
