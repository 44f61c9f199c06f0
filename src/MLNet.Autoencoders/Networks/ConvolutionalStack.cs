using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Networks;

/// <summary>
/// The convolutional ends of an autoencoder: <see cref="Encode"/> reads flat rows as images and runs the strided
/// convolutions (each followed by the activation) down to a flattened feature map; <see cref="Decode"/> mirrors them with
/// transposed convolutions (activations between, none after the last) back to flat rows of the input's size. With tied
/// weights each transposed convolution reuses its mirror convolution's kernel tensor (same [out, in, k, k] layout) with a
/// bias of its own.
/// </summary>
internal sealed class ConvolutionalStack : nn.Module
{
    private readonly ParameterList encoderWeights = new();
    private readonly ParameterList encoderBiases = new();
    private readonly ParameterList decoderWeights = new();
    private readonly ParameterList decoderBiases = new();
    private readonly Activation activation;

    public ConvolutionalStack(ConvolutionSpec spec, Activation activation, bool tied) : base(nameof(ConvolutionalStack))
    {
        Spec = spec;
        Tied = tied;
        this.activation = activation;
        int k = spec.KernelSize;
        // Parameters wrap their tensor; keep the tensors out of any dispose scope the caller has open.
        static Parameter Make(Tensor t) => new(t.DetachFromDisposeScope());
        for (int i = 0; i < spec.StageCount; i++)
        {
            encoderWeights.Add(Make(empty(spec.StageChannels[i], spec.InChannels(i), k, k)));
            encoderBiases.Add(Make(empty(spec.StageChannels[i])));
        }
        // Decoder stage j mirrors encoder stage StageCount − 1 − j; a transposed convolution's weight is [in, out, k, k].
        for (int j = 0; j < spec.StageCount; j++)
        {
            int mirror = spec.StageCount - 1 - j;
            if (!tied) decoderWeights.Add(Make(empty(spec.StageChannels[mirror], spec.InChannels(mirror), k, k)));
            decoderBiases.Add(Make(tied ? zeros(spec.InChannels(mirror)) : empty(spec.InChannels(mirror))));
        }
        RegisterComponents();
    }

    public ConvolutionSpec Spec { get; }

    public bool Tied { get; }

    /// <summary>Torch's default initialisation for convolutions, U(±1/sqrt(fan_in)) for weights and biases (fan_in = the
    /// weight's second dimension × kernel area, as torch computes it), drawn from <paramref name="generator"/>.
    /// Tied decoder biases stay zero.</summary>
    public void Initialize(Generator generator)
    {
        using var noGrad = no_grad();
        void Init(Parameter weight, Parameter? bias)
        {
            double bound = 1.0 / Math.Sqrt(weight.shape[1] * weight.shape[2] * weight.shape[3]);
            weight.uniform_(-bound, bound, generator);
            bias?.uniform_(-bound, bound, generator);
        }
        for (int i = 0; i < Spec.StageCount; i++) Init(encoderWeights[i], encoderBiases[i]);
        if (!Tied)
            for (int j = 0; j < Spec.StageCount; j++) Init(decoderWeights[j], decoderBiases[j]);
    }

    /// <summary>[N, C·H·W] rows → [N, <see cref="ConvolutionSpec.FlatSize"/>] features (channels-first order, as the
    /// dense layers and the exported ONNX graph read them).</summary>
    public Tensor Encode(Tensor x)
    {
        // Inside, maps are channels-last [N, H, W, C] (see PatchGeometry): no layout change between stages.
        using var image = x.reshape(-1, Spec.Channels, Spec.Height, Spec.Width);
        var h = image.permute(0, 2, 3, 1);
        for (int i = 0; i < Spec.StageCount; i++)
        {
            using var previous = h;
            using var convolved = Convolution(h, encoderWeights[i], encoderBiases[i], Spec.Stride, Spec.Padding);
            h = Activations.Apply(convolved, activation);
        }
        using (h)
        using (var channelsFirst = h.permute(0, 3, 1, 2))
            return channelsFirst.flatten(1);
    }

    /// <summary>[N, FlatSize] features (channels-first order) → [N, C·H·W] output before the output function.</summary>
    public Tensor Decode(Tensor features)
    {
        var (h0, w0) = Spec.SizeBefore(Spec.StageCount);
        using var map = features.reshape(-1, Spec.StageChannels[^1], h0, w0);
        var h = map.permute(0, 2, 3, 1);
        for (int j = 0; j < Spec.StageCount; j++)
        {
            int mirror = Spec.StageCount - 1 - j;
            var (outH, outW) = Spec.SizeBefore(mirror);
            using var previous = h;
            h = TransposedConvolution(h, DecoderWeight(j), decoderBiases[j], Spec.Stride, Spec.Padding, outH, outW);
            if (j < Spec.StageCount - 1)
            {
                using var linear = h;
                h = Activations.Apply(linear, activation);
            }
        }
        using (h)
        using (var channelsFirst = h.permute(0, 3, 1, 2))
            return channelsFirst.flatten(1);
    }

    // libtorch 2.10's conv2d / conv_transpose2d on CPU go through oneDNN, whose AVX-512 kernels gave wrong values on an
    // AMD EPYC family 26 (Zen 5) at small maps (a 2×3 map to 4×5 at stride 2 off at row 1, columns 0, 2, 4; a 4×4 map at
    // stride 1 off in most cells), changing with what freshly allocated memory held. Both convolutions are therefore
    // written here as patch rows (im2col/col2im, PatchGeometry) and one matrix product over every position of the batch —
    // the same sums, no oneDNN; checked against plain loops, forward and backward, in ConvolutionArithmeticTests.

    /// <summary>conv2d on channels-last maps: x [N, H, W, in], weight [out, in, k, k] (torch's layout), bias [out] →
    /// [N, H', W', out].</summary>
    internal static Tensor Convolution(Tensor x, Tensor weight, Tensor bias, int stride, int padding)
    {
        long outChannels = weight.shape[0], k = weight.shape[2];
        var geometry = new PatchGeometry(x.shape[0], x.shape[1], x.shape[2], x.shape[3], k, stride, padding);
        // The intermediates are disposed here rather than at the end of the caller's dispose scope: autograd keeps its own
        // references to what backward needs, and without this every step held all of them until the step ended.
        using var rows = PatchFunction.Rows(x, geometry);                                   // [N·H'·W', k·k·in]
        using var kernelLast = weight.permute(0, 2, 3, 1);
        using var kernel = kernelLast.reshape(outChannels, geometry.RowLength);                 // [out, k·k·in]
        using var kernelT = kernel.t();
        using var y = torch.addmm(bias, rows, kernelT, 1, 1);                                        // [N·H'·W', out]
        return y.view(geometry.Batch, geometry.OutHeight, geometry.OutWidth, outChannels);
    }

    /// <summary>
    /// conv_transpose2d on channels-last maps: x [N, h, w, in], weight [in, out, k, k] (torch's layout), bias [out] →
    /// [N, <paramref name="outHeight"/>, <paramref name="outWidth"/>, out]; the output padding is implied by the size asked
    /// (pixels past the last patch get only the bias).
    /// </summary>
    internal static Tensor TransposedConvolution(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int outHeight, int outWidth)
    {
        long inChannels = weight.shape[0], outChannels = weight.shape[1], k = weight.shape[2];
        // The transposed convolution is the adjoint of the convolution that maps the output size back to x's size.
        var geometry = new PatchGeometry(x.shape[0], outHeight, outWidth, outChannels, k, stride, padding);
        if (geometry.OutHeight != x.shape[1] || geometry.OutWidth != x.shape[2])
            throw new ArgumentException($"A {x.shape[1]}×{x.shape[2]} map cannot be transposed-convolved to {outHeight}×{outWidth} with kernel {k}, stride {stride}, padding {padding}.");
        using var rows = x.reshape(-1, inChannels);                                              // [N·h·w, in]
        using var kernelLast = weight.permute(0, 2, 3, 1);
        using var kernel = kernelLast.reshape(inChannels, geometry.RowLength);                  // [in, k·k·out]
        using var patches = rows.mm(kernel);                                                     // [N·h·w, k·k·out]
        using var image = PatchFunction.Image(patches, geometry);                           // [N, H, W, out]
        return image + bias;
    }

    /// <summary>Decoder stage j's kernel: its own, or (tied) the mirror convolution's.</summary>
    public Parameter DecoderWeight(int j) => Tied ? encoderWeights[Spec.StageCount - 1 - j] : decoderWeights[j];

    public ConvolutionWeights Export()
    {
        var weights = new ConvolutionWeights(Spec.StageCount);
        for (int i = 0; i < Spec.StageCount; i++)
        {
            weights.EncoderWeights[i] = Activations.ToArray(encoderWeights[i]);
            weights.EncoderBiases[i] = Activations.ToArray(encoderBiases[i]);
            weights.DecoderBiases[i] = Activations.ToArray(decoderBiases[i]);
            if (!Tied) weights.DecoderWeights[i] = Activations.ToArray(decoderWeights[i]);
        }
        return weights;
    }

    public void Import(ConvolutionWeights weights)
    {
        for (int i = 0; i < Spec.StageCount; i++)
        {
            Activations.Load(encoderWeights[i], weights.EncoderWeights[i]);
            Activations.Load(encoderBiases[i], weights.EncoderBiases[i]);
            Activations.Load(decoderBiases[i], weights.DecoderBiases[i]);
            if (!Tied) Activations.Load(decoderWeights[i], weights.DecoderWeights[i]!);
        }
    }
}
