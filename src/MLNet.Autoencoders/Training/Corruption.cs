using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>The validated corruption of a denoising autoencoder, applied to each training batch.</summary>
internal sealed record Corruption(CorruptionKind Kind, double NoiseStandardDeviation, double Fraction, float? ClipMinimum, float? ClipMaximum)
{
    /// <summary>A corrupted copy of <paramref name="x"/>; <paramref name="low"/> and <paramref name="high"/> are the values
    /// salt-and-pepper noise writes (the column's minimum and maximum). The noise comes from <paramref name="generator"/> only.</summary>
    public Tensor Apply(Tensor x, Generator generator, float low, float high, bool clip = true)
    {
        // Each kind makes one new tensor and works in place on it (the same values as x + σ·noise, one allocation).
        Tensor corrupted = Kind switch
        {
            CorruptionKind.Gaussian => torch.randn(x.shape, generator: generator).mul_(NoiseStandardDeviation).add_(x),
            CorruptionKind.Masking => x * (torch.rand(x.shape, generator: generator) >= Fraction),
            CorruptionKind.SaltAndPepper => SaltAndPepper(x, generator, low, high),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
        };
        return clip && ClipMinimum is float min && ClipMaximum is float max ? corrupted.clamp_(min, max) : corrupted;
    }

    private Tensor SaltAndPepper(Tensor x, Generator generator, float low, float high)
    {
        var u = torch.rand(x.shape, generator: generator);
        var withPepper = torch.where(u < Fraction / 2, torch.tensor(low), x);
        return torch.where(u >= Fraction / 2 & u < Fraction, torch.tensor(high), withPepper);
    }

    /// <summary>A short description for the log and the saved model.</summary>
    public override string ToString() => Kind switch
    {
        CorruptionKind.Gaussian => $"Gaussian noise, standard deviation {NoiseStandardDeviation}",
        CorruptionKind.Masking => $"masking {Fraction:P0} of values",
        _ => $"salt-and-pepper on {Fraction:P0} of values",
    } + (ClipMinimum is float a && ClipMaximum is float b ? $", clipped to [{a}, {b}]" : "");
}
