namespace MLNet.Autoencoders.Networks;

/// <summary>A trained autoencoder classifier in a framework-free form: the encoder's dense layers and the head's, each weight
/// in torch layout ([out, in], row-major).</summary>
internal sealed class ClassifierWeights
{
    public ClassifierWeights(int[] encoderSizes, int[] headSizes, Activation activation)
    {
        EncoderSizes = encoderSizes;
        HeadSizes = headSizes;
        Activation = activation;
        EncoderWeights = new float[encoderSizes.Length - 1][];
        EncoderBiases = new float[encoderSizes.Length - 1][];
        HeadWeights = new float[headSizes.Length - 1][];
        HeadBiases = new float[headSizes.Length - 1][];
    }

    /// <summary>Input, encoder hidden layers, latent.</summary>
    public int[] EncoderSizes { get; }

    /// <summary>Latent, head hidden layers, classes.</summary>
    public int[] HeadSizes { get; }

    public Activation Activation { get; }

    public float[][] EncoderWeights { get; }
    public float[][] EncoderBiases { get; }
    public float[][] HeadWeights { get; }
    public float[][] HeadBiases { get; }

    public int InputSize => EncoderSizes[0];
    public int LatentSize => EncoderSizes[^1];
    public int Classes => HeadSizes[^1];
}
