using MLNet.Autoencoders.Training;
using TorchSharp;
using Xunit;

namespace MLNet.Autoencoders.Tests.Denoising;

/// <summary>On a large tensor, the corruption's statistics match its options.</summary>
public class CorruptionTests
{
    private const int Side = 1000;

    [Fact]
    public void Gaussian_noise_has_the_requested_standard_deviation()
    {
        using var generator = new torch.Generator(1);
        using var x = torch.full(Side, Side, 0.5f);
        using var noisy = new Corruption(CorruptionKind.Gaussian, 0.3, 0, null, null).Apply(x, generator, 0, 1);
        using var noise = noisy - x;
        Assert.Equal(0.3, noise.std().item<float>(), 2);
        Assert.Equal(0.0, noise.mean().item<float>(), 2);
    }

    [Fact]
    public void Clipping_keeps_values_in_range()
    {
        using var generator = new torch.Generator(1);
        using var x = torch.full(Side, Side, 0.5f);
        using var noisy = new Corruption(CorruptionKind.Gaussian, 1.0, 0, 0f, 1f).Apply(x, generator, 0, 1);
        Assert.Equal(0f, noisy.min().item<float>());
        Assert.Equal(1f, noisy.max().item<float>());
        // About a third of N(0.5, 1) lies outside [0, 1] on each side: clipping did happen.
        using var atZero = (noisy == 0).to_type(torch.ScalarType.Float32).mean();
        Assert.InRange(atZero.item<float>(), 0.28f, 0.34f);
    }

    [Fact]
    public void Masking_zeroes_the_requested_fraction()
    {
        using var generator = new torch.Generator(1);
        using var x = torch.ones(Side, Side);
        using var masked = new Corruption(CorruptionKind.Masking, 0, 0.3, null, null).Apply(x, generator, 0, 1);
        using var zeroFraction = (masked == 0).to_type(torch.ScalarType.Float32).mean();
        Assert.Equal(0.3, zeroFraction.item<float>(), 2);
        using var kept = (masked == 1).to_type(torch.ScalarType.Float32).mean();
        Assert.Equal(0.7, kept.item<float>(), 2);
    }

    [Fact]
    public void Salt_and_pepper_writes_the_minimum_and_maximum_half_each()
    {
        using var generator = new torch.Generator(1);
        using var x = torch.full(Side, Side, 0.25f);
        using var corrupted = new Corruption(CorruptionKind.SaltAndPepper, 0, 0.2, null, null).Apply(x, generator, -1, 3);
        using var pepper = (corrupted == -1).to_type(torch.ScalarType.Float32).mean();
        using var salt = (corrupted == 3).to_type(torch.ScalarType.Float32).mean();
        using var untouched = (corrupted == 0.25f).to_type(torch.ScalarType.Float32).mean();
        Assert.Equal(0.1, pepper.item<float>(), 2);
        Assert.Equal(0.1, salt.item<float>(), 2);
        Assert.Equal(0.8, untouched.item<float>(), 2);
    }

    [Fact]
    public void The_same_generator_seed_gives_the_same_noise()
    {
        using var x = torch.zeros(50, 50);
        var corruption = new Corruption(CorruptionKind.Gaussian, 0.3, 0, null, null);
        using var g1 = new torch.Generator(7);
        using var g2 = new torch.Generator(7);
        using var a = corruption.Apply(x, g1, 0, 1);
        using var b = corruption.Apply(x, g2, 0, 1);
        Assert.True(a.allclose(b, 0, 0));
    }
}
