namespace MLNet.Autoencoders.Networks;

/// <summary>The shape of an MLP VAE, independent of any framework.</summary>
/// <param name="LayerSizes">Input size, hidden sizes, latent size. The encoder's last hidden layer feeds two linear heads
/// (mean and log-variance); the decoder mirrors the sizes from the latent back to the input.</param>
/// <param name="Activation">Hidden-layer non-linearity.</param>
/// <param name="Likelihood">Bernoulli (sigmoid output) or Gaussian (linear output).</param>
/// <param name="GaussianVariance">The Gaussian likelihood's fixed variance.</param>
/// <param name="Convolution">The convolutional front, or null for a plain MLP.</param>
internal sealed record VaeArchitecture(int[] LayerSizes, Activation Activation, VaeLikelihood Likelihood, double GaussianVariance,
    ConvolutionSpec? Convolution = null)
{
    /// <summary>The dense layers' sizes, the input replaced by the flattened last feature map under a convolutional front.</summary>
    public int[] DenseSizes => Convolution is null ? LayerSizes : [Convolution.FlatSize, .. LayerSizes[1..]];

    public int InputSize => LayerSizes[0];
    public int LatentSize => LayerSizes[^1];
    /// <summary>Hidden layers of the encoder (and of the decoder).</summary>
    public int HiddenCount => LayerSizes.Length - 2;
    /// <summary>The width the heads read: the last hidden layer, or the input when there is none.</summary>
    public int HeadInputSize => DenseSizes[^2];

    /// <summary>Everything that fixes the weights' shapes and meaning, as text: equal texts, interchangeable weights.</summary>
    public string Describe() =>
        $"{(Convolution is null ? "" : Convolution + " → ")}{string.Join("-", LayerSizes)} ({Activation}, {Likelihood} likelihood" +
        (Likelihood == VaeLikelihood.Gaussian ? $", variance {GaussianVariance}" : "") + ")";
}
