using MLNet.Autoencoders.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>Rows read once into one buffer, shared with a tensor; batches are index selections into it.</summary>
internal sealed class InMemoryTrainingRows : TrainingRows
{
    private readonly FeatureMatrix data;
    private readonly SharedFeatureTensor shared;
    private readonly long[] trainRows;
    private readonly Tensor? validationIndex;

    public InMemoryTrainingRows(FeatureMatrix data, double validationFraction, Random random)
    {
        this.data = data;
        (trainRows, var validationRows) = Split(data.Rows, validationFraction, random);
        shared = new SharedFeatureTensor(data);
        TrainIndex = torch.tensor(trainRows);
        validationIndex = validationRows.Length > 0 ? torch.tensor(validationRows) : null;
    }

    /// <summary>Every row, [rows, columns].</summary>
    public Tensor All => shared.Value;

    /// <summary>The training rows' indices into <see cref="All"/>.</summary>
    public Tensor TrainIndex { get; }

    public override long TrainCount => trainRows.Length;

    public override bool HasValidation => validationIndex is not null;

    public override (float Min, float Max) Range => data.Range();

    public override IEnumerable<RowBatch> TrainBatches(int batchSize, Random random)
    {
        Shuffle(trainRows, random);
        for (int start = 0; start < trainRows.Length; start += batchSize)
        {
            var chunk = trainRows.AsSpan(start, Math.Min(batchSize, trainRows.Length - start)).ToArray();
            yield return new RowBatch(chunk.Length, () => All.index_select(0, torch.tensor(chunk)));
        }
    }

    public override IEnumerable<RowBatch> ValidationBatches()
    {
        if (validationIndex is null) yield break;
        long n = validationIndex.shape[0];
        for (long start = 0; start < n; start += EvaluationBatchSize)
        {
            long from = start, count = Math.Min(EvaluationBatchSize, n - start);
            yield return new RowBatch((int)count, () => All.index_select(0, validationIndex.narrow(0, from, count)));
        }
    }

    /// <summary>Seeded split of row indices into training and validation rows; both non-empty when validating.</summary>
    internal static (long[] Train, long[] Validation) Split(int rows, double validationFraction, Random random)
    {
        var order = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
        if (validationFraction <= 0) return (order, []);
        if (rows < 2)
            throw new InvalidOperationException($"A validation fraction of {validationFraction} needs at least 2 rows; the data has {rows}.");
        Shuffle(order, random);
        int validation = Math.Clamp((int)Math.Round(rows * validationFraction), 1, rows - 1);
        var train = order[validation..];
        Array.Sort(train);
        return (train, order[..validation]);
    }

    internal static void Shuffle(long[] values, Random random)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    public override void Dispose()
    {
        TrainIndex.Dispose();
        validationIndex?.Dispose();
        shared.Dispose();
    }
}
