namespace MLNet.Autoencoders.Networks;

/// <summary>The shape of an MLP autoencoder, independent of any framework.</summary>
/// <param name="LayerSizes">Input size, hidden sizes, latent size (the encoder's sizes in order; the decoder mirrors them).</param>
/// <param name="Activation">Hidden-layer non-linearity.</param>
/// <param name="OutputActivation">Resolved output function: <see cref="OutputActivation.Identity"/> or <see cref="OutputActivation.Sigmoid"/>.</param>
/// <param name="TiedWeights">Whether decoder layers reuse the transposed encoder weights.</param>
internal sealed record MlpArchitecture(int[] LayerSizes, Activation Activation, OutputActivation OutputActivation, bool TiedWeights)
{
    public int InputSize => LayerSizes[0];
    public int LatentSize => LayerSizes[^1];
    public int LayerCount => LayerSizes.Length - 1;
}
