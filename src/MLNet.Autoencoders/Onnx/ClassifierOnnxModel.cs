using Google.Protobuf;
using MLNet.Autoencoders.Networks;
using MLNet.Autoencoders.Persistence;
using Onnx;

namespace MLNet.Autoencoders.Onnx;

/// <summary>
/// Writes an autoencoder classifier's inference graph as ONNX and reads it back: input → encoder → latent → head → class
/// logits (ML.NET's multiclass scorer turns them into probabilities and a predicted key). The graph has its own producer
/// name, so the autoencoder loaders never mistake it for an autoencoder.
/// </summary>
internal static class ClassifierOnnxModel
{
    public const string ProducerName = AutoencoderOnnxFormat.ProducerName + ".Classifier";
    public const int FormatVersion = 1;
    public const string ModelInfoKey = "mlnet_autoencoders.classifier_info";

    /// <summary>Builds the graph with input <paramref name="input"/>, the logits output <paramref name="logits"/> and, when
    /// <paramref name="latent"/> is not null, the latent output.</summary>
    public static ModelProto Build(ClassifierWeights weights, ClassifierModelInfo info, string input, string logits, string? latent, bool batched, int opset = OnnxGraphBuilder.OpsetVersion)
    {
        var g = new OnnxGraphBuilder("autoencoder_classifier");
        long?[] Shape(long size) => batched ? [null, size] : [size];
        int[] e = weights.EncoderSizes, h = weights.HeadSizes;
        g.AddInput(input, Shape(weights.InputSize));
        for (int i = 0; i + 1 < e.Length; i++)
        {
            g.AddInitializer($"encoder.{i}.weight", MlpOnnxModel.Transpose(weights.EncoderWeights[i], e[i + 1], e[i]), e[i], e[i + 1]);
            g.AddInitializer($"encoder.{i}.bias", weights.EncoderBiases[i], e[i + 1]);
        }
        for (int i = 0; i + 1 < h.Length; i++)
        {
            g.AddInitializer($"head.{i}.weight", MlpOnnxModel.Transpose(weights.HeadWeights[i], h[i + 1], h[i]), h[i], h[i + 1]);
            g.AddInitializer($"head.{i}.bias", weights.HeadBiases[i], h[i + 1]);
        }
        string x = input;
        int n = e.Length - 1;
        for (int i = 0; i < n; i++)
        {
            bool last = i == n - 1;
            x = g.Dense(x, $"encoder.{i}.weight", $"encoder.{i}.bias", last ? null : weights.Activation, last ? latent ?? "latent" : null);
        }
        if (latent is not null) g.AddOutput(latent, Shape(weights.LatentSize));
        int m = h.Length - 1;
        for (int i = 0; i < m; i++)
        {
            bool last = i == m - 1;
            x = g.Dense(x, $"head.{i}.weight", $"head.{i}.bias", last ? null : weights.Activation, last ? logits : null);
        }
        g.AddOutput(logits, Shape(weights.Classes));
        var model = g.ToModel(AutoencoderOnnxFormat.ProducerVersion, new Dictionary<string, string>
        {
            [AutoencoderOnnxFormat.FormatVersionKey] = FormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [ModelInfoKey] = info.ToJson(),
        });
        model.ProducerName = ProducerName;
        model.OpsetImport[0].Version = opset;
        return model;
    }

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    /// <summary>Reads the description and the weights back from a model written by <see cref="Build"/>.</summary>
    public static (ClassifierModelInfo Info, ClassifierWeights Weights) Read(ModelProto model)
    {
        var info = ReadInfo(model);
        var weights = new ClassifierWeights(info.EncoderSizes, info.HeadSizes, info.Activation);
        var table = new InitializerTable(model);
        int[] e = info.EncoderSizes, h = info.HeadSizes;
        for (int i = 0; i + 1 < e.Length; i++)
        {
            weights.EncoderWeights[i] = MlpOnnxModel.Transpose(table.Get($"encoder.{i}.weight", (long)e[i] * e[i + 1]), e[i], e[i + 1]);
            weights.EncoderBiases[i] = table.Get($"encoder.{i}.bias", e[i + 1]);
        }
        for (int i = 0; i + 1 < h.Length; i++)
        {
            weights.HeadWeights[i] = MlpOnnxModel.Transpose(table.Get($"head.{i}.weight", (long)h[i] * h[i + 1]), h[i], h[i + 1]);
            weights.HeadBiases[i] = table.Get($"head.{i}.bias", h[i + 1]);
        }
        return (info, weights);
    }

    /// <summary>Whether <paramref name="model"/> is a classifier graph of this library.</summary>
    public static bool IsClassifier(ModelProto model) => model.ProducerName == ProducerName;

    public static ClassifierModelInfo ReadInfo(ModelProto model)
    {
        var props = model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        if (!IsClassifier(model) || !props.TryGetValue(AutoencoderOnnxFormat.FormatVersionKey, out var versionText))
            throw new InvalidDataException($"The ONNX model is not an autoencoder classifier of {AutoencoderOnnxFormat.ProducerName} (producer '{model.ProducerName}').");
        if (!int.TryParse(versionText, out int version) || version < 1 || version > FormatVersion)
            throw new InvalidDataException($"The classifier model has format version '{versionText}'; this version of {AutoencoderOnnxFormat.ProducerName} reads 1 to {FormatVersion}.");
        // A saved classifier carries a digest of itself, as every saved graph of format 4 on: damage that still parses must not load.
        OnnxDigest.Verify(model);
        if (!props.TryGetValue(ModelInfoKey, out var json))
            throw new InvalidDataException("The classifier model has no description in its metadata.");
        try
        {
            var info = ClassifierModelInfo.FromJson(json);
            if (info.EncoderSizes is not { Length: >= 2 } || info.HeadSizes is not { Length: >= 2 } || info.EncoderSizes.Any(s => s <= 0)
                || info.HeadSizes.Any(s => s <= 0) || info.HeadSizes[0] != info.EncoderSizes[^1])
                throw new InvalidDataException("The classifier model's layer sizes are missing or inconsistent.");
            if (string.IsNullOrEmpty(info.FeatureColumn) || string.IsNullOrEmpty(info.LogitsColumn) || info.History is null || !Enum.IsDefined(info.Activation))
                throw new InvalidDataException("The classifier model's description is damaged.");
            return info;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException("The classifier model's description is not valid JSON.", e);
        }
    }
}
