using Microsoft.ML;
using MLNet.Autoencoders.Data;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// The estimators' view of their training data before training starts: how many rows, their range, and how the trainer
/// opens them — read once into memory (the default), or streamed from the IDataView every epoch
/// (<see cref="AutoencoderOptionsBase.StreamTrainingData"/>).
/// </summary>
internal sealed class TrainingSource
{
    private readonly FeatureMatrix? matrix;
    private readonly StreamingTrainingRows? streaming;
    private readonly double validationFraction;

    private TrainingSource(FeatureMatrix? matrix, StreamingTrainingRows? streaming, double validationFraction)
    {
        this.matrix = matrix;
        this.streaming = streaming;
        this.validationFraction = validationFraction;
    }

    /// <summary>Reads (or, when streaming, scans) the column, checking every value is finite.</summary>
    public static TrainingSource Open(IDataView input, string column, int size, AutoencoderOptionsBase options, int seed, Action checkAlive) =>
        options.StreamTrainingData
            ? new(null, new StreamingTrainingRows(input, column, size, options.ValidationFraction, seed, options.ShuffleBufferRows, checkAlive), options.ValidationFraction)
            : new(FeatureColumn.Read(input, column, size, checkAlive), null, options.ValidationFraction);

    public long Rows => matrix?.Rows ?? streaming!.RowCount;

    public (float Min, float Max) Range => matrix?.Range() ?? streaming!.Range;

    /// <summary>Makes the trainer's row source; in memory, the trainer's seeded generator splits off the validation rows.</summary>
    public TrainingRows OpenRows(Random random) =>
        matrix is not null ? new InMemoryTrainingRows(matrix, validationFraction, random) : streaming!;
}
