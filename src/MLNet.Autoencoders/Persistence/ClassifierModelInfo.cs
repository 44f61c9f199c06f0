using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNet.Autoencoders.Persistence;

/// <summary>One epoch of a saved classifier's training history.</summary>
internal sealed record ClassifierEpochRecord(int Epoch, int TotalEpochs, double TrainLoss, double ClassificationLoss, double? ValidationAccuracy, double Seconds, bool IsBest);

/// <summary>What a saved autoencoder classifier says about itself besides its weights: JSON in the ONNX metadata.</summary>
internal sealed record ClassifierModelInfo
{
    public required string FeatureColumn { get; init; }
    public required string LabelColumn { get; init; }
    /// <summary>The internal column of class logits that ML.NET's multiclass scorer turns into Score and PredictedLabel.</summary>
    public required string LogitsColumn { get; init; }
    public string? LatentColumn { get; init; }
    /// <summary>Input, encoder hidden layers, latent.</summary>
    public required int[] EncoderSizes { get; init; }
    /// <summary>Latent, head hidden layers, classes.</summary>
    public required int[] HeadSizes { get; init; }
    public Activation Activation { get; init; }
    public SemiSupervisedMethod Method { get; init; }
    public int Seed { get; init; }
    public int TrainingRows { get; init; }
    public int LabelledRows { get; init; }
    public int ValidationRows { get; init; }
    public int BestEpoch { get; init; }
    public required ClassifierEpochRecord[] History { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ClassifierModelInfo FromJson(string json) =>
        JsonSerializer.Deserialize<ClassifierModelInfo>(json, Json)
        ?? throw new InvalidDataException("The classifier model's description is empty.");
}
