namespace MLNet.Autoencoders.Networks;

/// <summary>The shape of an MLP autoencoder, independent of any framework.</summary>
/// <param name="LayerSizes">Input size, hidden sizes, latent size (the encoder's sizes in order; the decoder mirrors them).</param>
/// <param name="Activation">Hidden-layer non-linearity.</param>
/// <param name="OutputActivation">Resolved output function: <see cref="OutputActivation.Identity"/> or <see cref="OutputActivation.Sigmoid"/>.</param>
/// <param name="TiedWeights">Whether decoder layers reuse the transposed encoder weights.</param>
/// <param name="Convolution">The convolutional front, or null for a plain MLP.</param>
internal sealed record MlpArchitecture(int[] LayerSizes, Activation Activation, OutputActivation OutputActivation, bool TiedWeights,
    ConvolutionSpec? Convolution = null)
{
    /// <summary>The dense layers' sizes: <see cref="LayerSizes"/>, with the input replaced by the flattened last feature map
    /// when there is a convolutional front.</summary>
    public int[] DenseSizes => Convolution is null ? LayerSizes : [Convolution.FlatSize, .. LayerSizes[1..]];

    public int InputSize => LayerSizes[0];
    public int LatentSize => LayerSizes[^1];
    public int LayerCount => LayerSizes.Length - 1;

    /// <summary>Everything that fixes the weights' shapes and meaning, as text: equal texts, interchangeable weights.</summary>
    public string Describe() =>
        $"{(Convolution is null ? "" : Convolution + " → ")}{string.Join("-", LayerSizes)} ({Activation}, {OutputActivation} output{(TiedWeights ? ", tied weights" : "")})";
}
