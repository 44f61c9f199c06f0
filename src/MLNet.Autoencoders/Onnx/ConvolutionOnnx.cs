using MLNet.Autoencoders.Networks;

namespace MLNet.Autoencoders.Onnx;

/// <summary>
/// The ONNX form of a <see cref="ConvolutionalStack"/>: initializers "conv.encoder.i.weight" [out, in, k, k] /
/// "conv.encoder.i.bias" and "conv.decoder.j.weight" [in, out, k, k] / "conv.decoder.j.bias" (j from the latent side; no
/// decoder weight when tied — the ConvTranspose node reads the mirror convolution's initializer), Conv and ConvTranspose
/// nodes, and the Reshape/Flatten nodes between flat rows and images.
/// </summary>
internal static class ConvolutionOnnx
{
    public static void AddInitializers(OnnxGraphBuilder g, ConvolutionSpec spec, ConvolutionWeights weights, bool tied)
    {
        int k = spec.KernelSize;
        for (int i = 0; i < spec.StageCount; i++)
        {
            g.AddInitializer($"conv.encoder.{i}.weight", weights.EncoderWeights[i], spec.StageChannels[i], spec.InChannels(i), k, k);
            g.AddInitializer($"conv.encoder.{i}.bias", weights.EncoderBiases[i], spec.StageChannels[i]);
        }
        for (int j = 0; j < spec.StageCount; j++)
        {
            int mirror = spec.StageCount - 1 - j;
            if (!tied) g.AddInitializer($"conv.decoder.{j}.weight", weights.DecoderWeights[j]!, spec.StageChannels[mirror], spec.InChannels(mirror), k, k);
            g.AddInitializer($"conv.decoder.{j}.bias", weights.DecoderBiases[j], spec.InChannels(mirror));
        }
        var (h, w) = spec.SizeBefore(spec.StageCount);
        g.AddInt64Initializer("conv.image_shape", [-1, spec.Channels, spec.Height, spec.Width], 4);
        g.AddInt64Initializer("conv.map_shape", [-1, spec.StageChannels[^1], h, w], 4);
    }

    /// <summary>Flat rows ([N, D] or [D]) → the flattened last feature map [N, F] (N = 1 for a single row).</summary>
    public static string Encode(OnnxGraphBuilder g, ConvolutionSpec spec, Activation activation, string input)
    {
        string h = g.AddNode("Reshape", "conv.image", input, "conv.image_shape");
        for (int i = 0; i < spec.StageCount; i++)
        {
            string conv = g.AddNode("Conv", $"conv.encoder.{i}.out", [h, $"conv.encoder.{i}.weight", $"conv.encoder.{i}.bias"], node => Configure(node, spec, null));
            h = g.Activate(conv, activation, $"conv.encoder.{i}");
        }
        return g.AddNode("Flatten", "conv.flat", [h], node => node.Attribute.Add(OnnxGraphBuilder.IntAttribute("axis", 1)));
    }

    /// <summary>Flattened feature map [N, F] → the decoder's raw output as flat rows ([N, D] batched, [D] for one row).</summary>
    public static string Decode(OnnxGraphBuilder g, ConvolutionSpec spec, Activation activation, bool tied, string features, string outputName, bool batched)
    {
        string h = g.AddNode("Reshape", "conv.map", features, "conv.map_shape");
        for (int j = 0; j < spec.StageCount; j++)
        {
            int mirror = spec.StageCount - 1 - j;
            string weight = tied ? $"conv.encoder.{mirror}.weight" : $"conv.decoder.{j}.weight";
            var padding = spec.OutputPadding(mirror);
            string deconv = g.AddNode("ConvTranspose", $"conv.decoder.{j}.out", [h, weight, $"conv.decoder.{j}.bias"], node => Configure(node, spec, padding));
            h = j < spec.StageCount - 1 ? g.Activate(deconv, activation, $"conv.decoder.{j}") : deconv;
        }
        g.AddInt64Initializer("conv.output_shape", batched ? [-1, spec.InputSize] : [spec.InputSize], batched ? 2 : 1);
        return g.AddNode("Reshape", outputName, h, "conv.output_shape");
    }

    private static void Configure(global::Onnx.NodeProto node, ConvolutionSpec spec, (int Height, int Width)? outputPadding)
    {
        node.Attribute.Add(OnnxGraphBuilder.IntsAttribute("kernel_shape", spec.KernelSize, spec.KernelSize));
        node.Attribute.Add(OnnxGraphBuilder.IntsAttribute("strides", spec.Stride, spec.Stride));
        node.Attribute.Add(OnnxGraphBuilder.IntsAttribute("pads", spec.Padding, spec.Padding, spec.Padding, spec.Padding));
        if (outputPadding is var (h, w))
            node.Attribute.Add(OnnxGraphBuilder.IntsAttribute("output_padding", h, w));
    }

    public static ConvolutionWeights Read(InitializerTable table, ConvolutionSpec spec, bool tied)
    {
        int k = spec.KernelSize;
        var weights = new ConvolutionWeights(spec.StageCount);
        for (int i = 0; i < spec.StageCount; i++)
        {
            weights.EncoderWeights[i] = table.Get($"conv.encoder.{i}.weight", (long)spec.StageChannels[i] * spec.InChannels(i) * k * k);
            weights.EncoderBiases[i] = table.Get($"conv.encoder.{i}.bias", spec.StageChannels[i]);
        }
        for (int j = 0; j < spec.StageCount; j++)
        {
            int mirror = spec.StageCount - 1 - j;
            if (!tied) weights.DecoderWeights[j] = table.Get($"conv.decoder.{j}.weight", (long)spec.StageChannels[mirror] * spec.InChannels(mirror) * k * k);
            weights.DecoderBiases[j] = table.Get($"conv.decoder.{j}.bias", spec.InChannels(mirror));
        }
        return weights;
    }
}
