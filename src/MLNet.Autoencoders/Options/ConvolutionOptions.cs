namespace MLNet.Autoencoders;

/// <summary>
/// Makes an autoencoder (plain, denoising or VAE) convolutional: the encoder reads the input as an image through strided
/// convolutions, flattens the last feature map into the dense layers (<see cref="AutoencoderOptionsBase.HiddenLayerSizes"/>,
/// then the latent), and the decoder mirrors it with transposed convolutions back to exactly the input's shape.
/// Set it on <see cref="AutoencoderOptionsBase.Convolution"/>.
/// </summary>
/// <remarks>Each stage halves (for stride 2) the height and width, rounding up: 28 → 14 → 7. Padding is kernel size / 2 and
/// the transposed convolutions add the output padding that brings every size back (7 → 14 → 28, and 7 → 4 → 7).
/// With <see cref="AutoencoderOptions.TiedWeights"/>, each transposed convolution reuses its mirror convolution's kernel.</remarks>
public sealed class ConvolutionOptions
{
    /// <summary>Creates convolution options for images of <paramref name="image"/>'s shape.</summary>
    public ConvolutionOptions(ImageShape image) => Image = image ?? throw new ArgumentNullException(nameof(image));

    /// <summary>How the input vector holds the image; channels × height × width must equal the input column's size.</summary>
    public ImageShape Image { get; set; }

    /// <summary>Output channels of each convolution stage, from the input. Default { 32, 64 }.</summary>
    public int[] Channels { get; set; } = [32, 64];

    /// <summary>Square kernel size of every convolution. Default 3.</summary>
    public int KernelSize { get; set; } = 3;

    /// <summary>Stride of every convolution (the downsampling factor per stage). Default 2.</summary>
    public int Stride { get; set; } = 2;

    /// <inheritdoc />
    public override string ToString() => $"{Image} → conv({string.Join(", ", Channels)}; kernel {KernelSize}, stride {Stride})";

    internal ConvolutionOptions Clone() => new(Image) { Channels = (int[])Channels.Clone(), KernelSize = KernelSize, Stride = Stride };
}
