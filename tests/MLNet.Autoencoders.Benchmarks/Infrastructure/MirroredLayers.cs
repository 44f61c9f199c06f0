namespace MLNet.Autoencoders.Benchmarks.Infrastructure;

/// <summary>The layer sizes of an autoencoder whose decoder mirrors its encoder, as the library builds it.</summary>
internal static class MirroredLayers
{
    /// <summary>Encoder sizes (input, hidden, latent) followed by the decoder's: 784,500,10 gives 784,500,10,500,784.</summary>
    public static int[] Path(int[] encoderSizes) => [.. encoderSizes, .. encoderSizes.Reverse().Skip(1)];
}
