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

    /// <summary>[N, C·H·W] rows → [N, <see cref="ConvolutionSpec.FlatSize"/>] features.</summary>
    public Tensor Encode(Tensor x)
    {
        var h = x.reshape(-1, Spec.Channels, Spec.Height, Spec.Width);
        for (int i = 0; i < Spec.StageCount; i++)
            h = Activations.Apply(Convolution(h, encoderWeights[i], encoderBiases[i], Spec.Stride, Spec.Padding), activation);
        return h.flatten(1);
    }

    /// <summary>[N, FlatSize] features → [N, C·H·W] output before the output function.</summary>
    public Tensor Decode(Tensor features)
    {
        var (h0, w0) = Spec.SizeBefore(Spec.StageCount);
        var h = features.reshape(-1, Spec.StageChannels[^1], h0, w0);
        for (int j = 0; j < Spec.StageCount; j++)
        {
            int mirror = Spec.StageCount - 1 - j;
            var (outH, outW) = Spec.SizeBefore(mirror);
            h = TransposedConvolution(h, DecoderWeight(j), decoderBiases[j], Spec.Stride, Spec.Padding, outH, outW);
            if (j < Spec.StageCount - 1) h = Activations.Apply(h, activation);
        }
        return h.flatten(1);
    }

    // libtorch 2.10's conv2d / conv_transpose2d on CPU go through oneDNN, whose AVX-512 kernels gave wrong values on an
    // AMD EPYC family 26 (Zen 5) at small maps (a 2×3 map to 4×5 at stride 2 off at row 1, columns 0, 2, 4; a 4×4 map at
    // stride 1 off in most cells), changing with what freshly allocated memory held. Both convolutions are therefore
    // written here as ATen's unfold/fold (im2col/col2im) and a matrix product — the same sums, no oneDNN; checked against
    // plain loops, forward and backward, in ConvolutionArithmeticTests.

    /// <summary>conv2d(x, weight [out, in, k, k], bias, stride, padding) as unfold + matrix product.</summary>
    internal static Tensor Convolution(Tensor x, Tensor weight, Tensor bias, int stride, int padding)
    {
        long n = x.shape[0], outChannels = weight.shape[0], k = weight.shape[2];
        long outH = (x.shape[2] + 2 * padding - k) / stride + 1, outW = (x.shape[3] + 2 * padding - k) / stride + 1;
        // The intermediates are disposed here rather than at the end of the caller's dispose scope: autograd keeps its own
        // references to what backward needs, and without this every step held all of them until the step ended (the
        // convolutional autoencoder's peak memory was 1.09× PyTorch's).
        using var columns = nn.functional.unfold(x, (k, k), padding: (padding, padding), stride: (stride, stride)); // [N, in·k·k, L]
        // One large product over all N·L positions rather than N small ones.
        using var rows = columns.transpose(1, 2).reshape(-1, columns.shape[1]);                              // [N·L, in·k·k]
        using var y = torch.addmm(bias, rows, weight.reshape(outChannels, -1).t(), 1, 1);                        // [N·L, out]
        return y.reshape(n, outH, outW, outChannels).permute(0, 3, 1, 2).contiguous();
    }

    /// <summary>
    /// conv_transpose2d(x, weight [in, out, k, k], bias, stride, padding, outputPadding) cut to
    /// <paramref name="outHeight"/> × <paramref name="outWidth"/>: the full transposed convolution (matrix product + fold),
    /// cropped at <paramref name="padding"/> (zero-extended where the output padding reaches past it), plus the bias.
    /// </summary>
    internal static Tensor TransposedConvolution(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int outHeight, int outWidth)
    {
        long n = x.shape[0], inChannels = weight.shape[0], k = weight.shape[2], h = x.shape[2], w = x.shape[3];
        using var rows = x.reshape(n, inChannels, h * w).transpose(1, 2).reshape(-1, inChannels);            // [N·h·w, in]
        using var columns = rows.mm(weight.reshape(inChannels, -1)).reshape(n, h * w, -1).transpose(1, 2);   // [N, out·k·k, h·w]
        using var folded = nn.functional.fold(columns, ((h - 1) * stride + k, (w - 1) * stride + k), (k, k), stride: (stride, stride));
        long missingH = padding + outHeight - folded.shape[2], missingW = padding + outWidth - folded.shape[3];
        using var padded = missingH > 0 || missingW > 0 ? nn.functional.pad(folded, [0, Math.Max(missingW, 0), 0, Math.Max(missingH, 0)]) : null;
        var full = padded ?? folded;
        return full.narrow(2, padding, outHeight).narrow(3, padding, outWidth) + bias.reshape(1, -1, 1, 1);
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
