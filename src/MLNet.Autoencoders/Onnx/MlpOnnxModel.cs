using Google.Protobuf;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Persistence;
using Onnx;

namespace MLNet.Autoencoders.Onnx;

/// <summary>Writes an MLP autoencoder's inference graph as ONNX (see <see cref="AutoencoderOnnxFormat"/>) and reads it back.</summary>
internal static class MlpOnnxModel
{
    /// <summary>Builds the model. <paramref name="names"/> gives the graph's tensor names for the input and each requested output.</summary>
    public static ModelProto Build(MlpWeights weights, AutoencoderModelInfo info, OnnxTensorNames names, bool batched)
    {
        var arch = weights.Architecture;
        int n = arch.LayerCount;
        int[] sizes = arch.DenseSizes;
        var conv = arch.Convolution;
        var g = new OnnxGraphBuilder("autoencoder");
        long?[] Shape(long size) => batched ? [null, size] : [size];

        g.AddInput(names.Input, Shape(arch.InputSize));
        for (int i = 0; i < n; i++)
        {
            g.AddInitializer($"encoder.{i}.weight", Transpose(weights.EncoderWeights[i], sizes[i + 1], sizes[i]), sizes[i], sizes[i + 1]);
            g.AddInitializer($"encoder.{i}.bias", weights.EncoderBiases[i], sizes[i + 1]);
        }
        for (int i = 0; i < n; i++)
        {
            int inSize = sizes[n - i], outSize = sizes[n - 1 - i];
            if (!arch.TiedWeights)
                g.AddInitializer($"decoder.{i}.weight", Transpose(weights.DecoderWeights[i], outSize, inSize), inSize, outSize);
            g.AddInitializer($"decoder.{i}.bias", weights.DecoderBiases[i], outSize);
        }

        if (conv is not null) ConvolutionOnnx.AddInitializers(g, conv, weights.Convolution!, arch.TiedWeights);

        // Encoder: MatMul works on a [D] row and on an [N, D] batch alike, so both forms share these nodes. The convolutional
        // front works on [N, C, H, W] only, so a single row becomes a batch of one and the latent is reshaped back to [L].
        string h = conv is null ? names.Input : ConvolutionOnnx.Encode(g, conv, arch.Activation, names.Input);
        bool reshapeLatent = conv is not null && !batched;
        for (int i = 0; i < n; i++)
        {
            bool last = i == n - 1;
            string output = last && !reshapeLatent ? names.Latent : $"encoder.{i}.out";
            h = g.Dense(h, $"encoder.{i}.weight", $"encoder.{i}.bias", last ? null : arch.Activation, last ? output : null);
        }
        if (reshapeLatent)
        {
            g.AddInt64Initializer("latent_shape", [arch.LatentSize], 1);
            g.AddNode("Reshape", names.Latent, h, "latent_shape");
        }
        g.AddOutput(names.Latent, Shape(arch.LatentSize));

        if (names.Reconstruction is null && names.ReconstructionError is null)
            return g.ToModel(AutoencoderOnnxFormat.ProducerVersion, Metadata(info));

        for (int i = 0; i < n; i++)
        {
            string weight = $"decoder.{i}.weight";
            if (arch.TiedWeights)
                weight = g.AddNode("Transpose", $"decoder.{i}.tied_weight", $"encoder.{n - 1 - i}.weight");
            h = g.Dense(h, weight, $"decoder.{i}.bias", i < n - 1 || conv is not null ? arch.Activation : null, null);
        }
        if (conv is not null) h = ConvolutionOnnx.Decode(g, conv, arch.Activation, arch.TiedWeights, h, "conv.output", batched);
        string reconstruction = names.Reconstruction ?? "reconstruction";
        if (arch.OutputActivation == OutputActivation.Sigmoid)
            g.AddNode("Sigmoid", reconstruction, h);
        else
            g.AddNode("Identity", reconstruction, h);
        if (names.Reconstruction is not null)
            g.AddOutput(reconstruction, Shape(arch.InputSize));

        if (names.ReconstructionError is not null)
        {
            string diff = g.AddNode("Sub", "error.diff", reconstruction, names.Input);
            string square = g.AddNode("Mul", "error.square", diff, diff);
            g.AddNode("ReduceMean", names.ReconstructionError, [square], node =>
            {
                node.Attribute.Add(OnnxGraphBuilder.IntsAttribute("axes", -1));
                node.Attribute.Add(OnnxGraphBuilder.IntAttribute("keepdims", 1));
            });
            // A vector of one, not a rank-0 scalar: ML.NET 5.0.1's OnnxTransformer cannot read rank-0 outputs.
            g.AddOutput(names.ReconstructionError, Shape(1));
        }
        return g.ToModel(AutoencoderOnnxFormat.ProducerVersion, Metadata(info));
    }

    /// <summary>The metadata every saved model carries: its format version and its JSON description.</summary>
    internal static Dictionary<string, string> Metadata(AutoencoderModelInfo info, int formatVersion = AutoencoderOnnxFormat.FormatVersion) => new()
    {
        [AutoencoderOnnxFormat.FormatVersionKey] = formatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        [AutoencoderOnnxFormat.ModelInfoKey] = info.ToJson(),
    };

    /// <summary>Reads the description and the weights back from a model written by <see cref="Build"/>.</summary>
    public static (AutoencoderModelInfo Info, MlpWeights Weights) Read(ModelProto model)
    {
        var info = ReadInfo(model);
        if (info.IsVae)
            throw new InvalidDataException("The model is a variational autoencoder; load it with VaeTransformer.Load.");
        var arch = info.Architecture;
        int n = arch.LayerCount;
        int[] sizes = arch.DenseSizes;
        var initializers = new InitializerTable(model);
        float[] Get(string name, long expected) => initializers.Get(name, expected);
        var weights = new MlpWeights(arch);
        for (int i = 0; i < n; i++)
        {
            weights.EncoderWeights[i] = Transpose(Get($"encoder.{i}.weight", (long)sizes[i] * sizes[i + 1]), sizes[i], sizes[i + 1]);
            weights.EncoderBiases[i] = Get($"encoder.{i}.bias", sizes[i + 1]);
            int inSize = sizes[n - i], outSize = sizes[n - 1 - i];
            if (!arch.TiedWeights)
                weights.DecoderWeights[i] = Transpose(Get($"decoder.{i}.weight", (long)inSize * outSize), inSize, outSize);
            weights.DecoderBiases[i] = Get($"decoder.{i}.bias", outSize);
        }
        if (arch.Convolution is { } conv) weights.Convolution = ConvolutionOnnx.Read(initializers, conv, arch.TiedWeights);
        return (info, weights);
    }

    /// <summary>Longer than any epoch, short enough for <see cref="TimeSpan.FromSeconds(double)"/>.</summary>
    private static readonly double MaxEpochSeconds = TimeSpan.MaxValue.TotalSeconds / 2;

    /// <summary>Reads and checks the format version and the JSON description.</summary>
    public static AutoencoderModelInfo ReadInfo(ModelProto model)
    {
        var props = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        if (model.ProducerName != AutoencoderOnnxFormat.ProducerName || !props.TryGetValue(AutoencoderOnnxFormat.FormatVersionKey, out var versionText))
            throw new InvalidDataException($"The ONNX model was not written by {AutoencoderOnnxFormat.ProducerName} (producer '{model.ProducerName}').");
        if (!int.TryParse(versionText, out int version) || version < 1)
            throw new InvalidDataException($"The autoencoder model's format version '{versionText}' is not a positive integer.");
        if (version > AutoencoderOnnxFormat.FormatVersion)
            throw new InvalidDataException($"The autoencoder model has format version {version}; this version of {AutoencoderOnnxFormat.ProducerName} reads up to {AutoencoderOnnxFormat.FormatVersion}. Update the library.");
        // From format 4 on a saved model carries a digest of itself: damage that still parses must not load.
        if (version >= 4) OnnxDigest.Verify(model);
        if (!props.TryGetValue(AutoencoderOnnxFormat.ModelInfoKey, out var json))
            throw new InvalidDataException("The autoencoder model has no description in its metadata.");
        try
        {
            var info = AutoencoderModelInfo.FromJson(json);
            if (info.LayerSizes is not { Length: >= 2 } || info.LayerSizes.Any(s => s <= 0))
                throw new InvalidDataException("The autoencoder model's layer sizes are missing or not positive.");
            if (string.IsNullOrEmpty(info.InputColumn) || string.IsNullOrEmpty(info.LatentColumn))
                throw new InvalidDataException("The autoencoder model's description lacks its column names.");
            if (!Enum.IsDefined(info.Activation) || info.OutputActivation is not (OutputActivation.Identity or OutputActivation.Sigmoid))
                throw new InvalidDataException($"The autoencoder model's activations ({info.Activation}, output {info.OutputActivation}) are unknown.");
            if (info.Convolution is { } conv && (conv.StageChannels is not { Length: > 0 } || conv.StageChannels.Any(c => c <= 0)
                || conv.Channels <= 0 || conv.Height <= 0 || conv.Width <= 0 || conv.KernelSize <= 0 || conv.Stride <= 0
                || (long)conv.Channels * conv.Height * conv.Width != info.LayerSizes[0] || conv.Problem() is not null))
                throw new InvalidDataException("The autoencoder model's convolution description is damaged.");
            if (info.History is null || info.History.Any(h => h is null || h.Stage is null || !(h.Seconds >= 0 && h.Seconds < MaxEpochSeconds)))
                throw new InvalidDataException("The autoencoder model's training history is damaged.");
            return info;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException("The autoencoder model's description is not valid JSON.", e);
        }
    }

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    /// <summary>The bytes of a model as it is saved: weights that no output needs are parked (see <see cref="ParkedWeights"/>),
    /// and the model carries its own SHA-256 digest (see <see cref="OnnxDigest"/>).</summary>
    public static byte[] ToSavedBytes(ModelProto model)
    {
        ParkedWeights.Park(model);
        OnnxDigest.Stamp(model);
        return model.ToByteArray();
    }

    /// <summary>Row-major transpose of a [rows, cols] matrix.</summary>
    internal static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                t[c * rows + r] = m[r * cols + c];
        return t;
    }
}
