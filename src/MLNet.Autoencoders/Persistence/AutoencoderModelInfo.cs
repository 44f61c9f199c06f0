using System.Text.Json;
using System.Text.Json.Serialization;
using MLNet.Autoencoders.Networks;

namespace MLNet.Autoencoders.Persistence;

/// <summary>What a saved model says about itself besides its weights: stored as JSON in the ONNX metadata.</summary>
internal sealed record AutoencoderModelInfo
{
    public string Kind { get; init; } = "Autoencoder";
    public required string InputColumn { get; init; }
    public required string LatentColumn { get; init; }
    public string? ReconstructionColumn { get; init; }
    public string? ReconstructionErrorColumn { get; init; }
    public required int[] LayerSizes { get; init; }
    public Activation Activation { get; init; }
    public OutputActivation OutputActivation { get; init; }
    public bool TiedWeights { get; init; }
    public ReconstructionLoss Loss { get; init; }
    public int Epochs { get; init; }
    public int BatchSize { get; init; }
    public double LearningRate { get; init; }
    public double WeightDecay { get; init; }
    public double ValidationFraction { get; init; }
    public int Seed { get; init; }
    public Pretraining Pretraining { get; init; }
    public int PretrainingEpochsPerLayer { get; init; }
    /// <summary>How a denoising autoencoder corrupted its input while training; null for a plain autoencoder.</summary>
    public string? Corruption { get; init; }
    /// <summary>The VAE's likelihood; null for the autoencoder kinds.</summary>
    public VaeLikelihood? Likelihood { get; init; }
    public double GaussianVariance { get; init; }
    public double Beta { get; init; }
    public int KlWarmupEpochs { get; init; }
    public VaeOutput Output { get; init; }
    public string? LogVarianceColumn { get; init; }
    public string? ScoreColumn { get; init; }
    /// <summary>The convolutional front, or null for a plain MLP (written with format version 3).</summary>
    public ConvolutionSpec? Convolution { get; init; }
    /// <summary>Deep clustering: the soft-assignment column (null: not produced) and the Student's t degrees of freedom.</summary>
    public string? SoftAssignmentColumn { get; init; }
    public double Alpha { get; init; }
    public int TrainingRows { get; init; }
    public int BestEpoch { get; init; }
    public EpochRecord[] History { get; init; } = [];

    public const string VaeKind = "Vae";

    public bool IsVae => Kind == VaeKind;

    /// <summary>The description every kind shares: columns, sizes and training settings from <paramref name="options"/>, and
    /// what training produced. Each estimator adds its own fields with <c>with</c>.</summary>
    public static AutoencoderModelInfo Describe(AutoencoderOptionsBase options, string inputColumn, int[] layerSizes, ConvolutionSpec? convolution,
        int seed, int trainingRows, int bestEpoch, IEnumerable<EpochReport> history) => new()
    {
        InputColumn = inputColumn,
        LatentColumn = options.OutputColumnName,
        ReconstructionColumn = options.ReconstructionColumnName,
        LayerSizes = layerSizes,
        Activation = options.Activation,
        Convolution = convolution,
        Epochs = options.Epochs,
        BatchSize = options.BatchSize,
        LearningRate = options.LearningRate,
        WeightDecay = options.WeightDecay,
        ValidationFraction = options.ValidationFraction,
        Seed = seed,
        TrainingRows = trainingRows,
        BestEpoch = bestEpoch,
        History = history.Select(EpochRecord.From).ToArray(),
    };

    public MlpArchitecture Architecture => new(LayerSizes, Activation, OutputActivation, TiedWeights, Convolution);

    public VaeArchitecture VaeArchitecture => new(LayerSizes, Activation, Likelihood ?? VaeLikelihood.Bernoulli, GaussianVariance, Convolution);

    private static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AutoencoderModelInfo FromJson(string json) =>
        JsonSerializer.Deserialize<AutoencoderModelInfo>(json, Json)
        ?? throw new InvalidDataException("The autoencoder model's description is empty.");
}

/// <summary>One epoch of the training history, as saved; the last five are a VAE's (null for the autoencoder kinds).</summary>
internal sealed record EpochRecord(int Epoch, int TotalEpochs, double TrainLoss, double? ValidationLoss, double Seconds, bool IsBest, string Stage,
    double? ReconstructionTerm = null, double? KlDivergence = null, double? Beta = null,
    double? ValidationReconstructionTerm = null, double? ValidationKlDivergence = null)
{
    public static EpochRecord From(EpochReport r) => r is VaeEpochReport v
        ? new(r.Epoch, r.TotalEpochs, r.TrainLoss, r.ValidationLoss, r.Elapsed.TotalSeconds, r.IsBest, r.Stage,
            v.ReconstructionTerm, v.KlDivergence, v.Beta, v.ValidationReconstructionTerm, v.ValidationKlDivergence)
        : new(r.Epoch, r.TotalEpochs, r.TrainLoss, r.ValidationLoss, r.Elapsed.TotalSeconds, r.IsBest, r.Stage);

    /// <summary>The report back (a <see cref="VaeEpochReport"/> when the VAE's terms were recorded).</summary>
    public EpochReport ToReport() => ReconstructionTerm is not null && KlDivergence is not null && Beta is double beta
        ? ToVaeReport(beta, FinalBeta(beta))
        : new EpochReport(Epoch, TotalEpochs, TrainLoss, ValidationLoss, TimeSpan.FromSeconds(Seconds), IsBest, Stage);

    /// <summary>The report of a VAE's epoch with the given β and final β (NaN for a term the record lacks).</summary>
    public VaeEpochReport ToVaeReport(double beta, double finalBeta) =>
        new(Epoch, TotalEpochs, ReconstructionTerm ?? double.NaN, KlDivergence ?? double.NaN, beta, finalBeta,
            ValidationReconstructionTerm, ValidationKlDivergence, TimeSpan.FromSeconds(Seconds), IsBest, Stage);

    // The validation loss was recorded with the final beta: recover it from the recorded terms.
    private double FinalBeta(double beta) =>
        ValidationLoss is double v && ValidationReconstructionTerm is double r && ValidationKlDivergence is double k && k != 0 ? (v - r) / k : beta;
}
