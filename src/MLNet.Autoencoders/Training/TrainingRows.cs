using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>One batch of training or validation rows: its size, and a factory the training loop calls inside the batch's
/// dispose scope, so the batch tensor is freed with everything computed from it.</summary>
internal readonly record struct RowBatch(int Count, Func<Tensor> Make);

/// <summary>
/// Where a trainer's rows come from: held in memory (<see cref="InMemoryTrainingRows"/>) or read from the IDataView afresh
/// each epoch (<see cref="StreamingTrainingRows"/>). Either way the rows are split, once and seeded, into training and
/// validation rows, and the training rows arrive shuffled, a batch at a time.
/// </summary>
internal abstract class TrainingRows : IDisposable
{
    public const int EvaluationBatchSize = 1024;

    /// <summary>Training rows (not counting validation rows).</summary>
    public abstract long TrainCount { get; }

    public abstract bool HasValidation { get; }

    /// <summary>Smallest and largest value over all rows (corruption clips to them).</summary>
    public abstract (float Min, float Max) Range { get; }

    /// <summary>One epoch of the training rows in shuffled batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public abstract IEnumerable<RowBatch> TrainBatches(int batchSize, Random random);

    /// <summary>The validation rows in batches, in a fixed order.</summary>
    public abstract IEnumerable<RowBatch> ValidationBatches();

    public virtual void Dispose()
    {
    }
}
