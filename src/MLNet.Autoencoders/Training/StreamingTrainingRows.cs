using System.Numerics.Tensors;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.Autoencoders.Data;
using TorchSharp;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Rows read from the IDataView afresh every epoch, for data larger than memory: only a shuffle buffer of rows and one
/// batch are held at a time. A first pass counts the rows, finds their range and refuses non-finite values. Each epoch
/// streams the rows through a seeded shuffle buffer (a row read when the buffer is full swaps with a random buffered row,
/// which goes to the batch), so batches mix rows from across the buffer's span; the buffer drains, shuffled, at the end.
/// A row is a validation row when a seeded hash of its position falls below the validation fraction: the same rows every epoch.
/// </summary>
internal sealed class StreamingTrainingRows : TrainingRows
{
    private readonly IDataView data;
    private readonly DataViewSchema.Column column;
    private readonly int size;
    private readonly int bufferRows;
    private readonly double validationFraction;
    private readonly ulong seed;
    private readonly Action checkAlive;
    private readonly (float Min, float Max) range;

    public StreamingTrainingRows(IDataView data, string columnName, int size, double validationFraction, int seed, int bufferRows, Action checkAlive)
    {
        this.data = data;
        column = data.Schema[columnName];
        this.size = size;
        this.bufferRows = bufferRows;
        this.validationFraction = validationFraction;
        this.seed = (ulong)(uint)seed;
        this.checkAlive = checkAlive;

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        long rows = 0, validation = 0;
        var values = new float[size];
        foreach (var _ in Rows(values, scan: true))
        {
            FeatureColumn.CheckFinite(values, columnName, rows);
            min = Math.Min(min, TensorPrimitives.Min(values));
            max = Math.Max(max, TensorPrimitives.Max(values));
            if (IsValidation(rows)) validation++;
            rows++;
        }
        if (rows == 0) throw FeatureColumn.NoRows(columnName);
        if (validationFraction > 0 && (validation == 0 || validation == rows))
            throw new InvalidOperationException(
                $"A validation fraction of {validationFraction} picked {validation} of the {rows} rows; streaming needs some rows on each side. Change the fraction, or train in memory.");
        range = (min, max);
        RowCount = rows;
        TrainCount = rows - validation;
    }

    /// <summary>
    /// Rows read between two full garbage collections. Loaders allocate a fresh buffer for every block they decode
    /// (ML.NET's binary loader: large-object-heap arrays), and the runtime lets such garbage pile up to hundreds of MB
    /// before it collects on its own: a pass over a 600k-row file held 1 GB. Collecting every 16,384 rows bounds that for
    /// about 20 ms per collection against roughly a second of training.
    /// </summary>
    internal const int RowsBetweenCollections = 16384;

    /// <summary>All rows, training and validation.</summary>
    public long RowCount { get; }

    public override long TrainCount { get; }

    public override bool HasValidation => validationFraction > 0;

    public override (float Min, float Max) Range => range;

    // SplitMix64 of the seed and the row's position: a fixed, seeded coin per row.
    private bool IsValidation(long row)
    {
        if (validationFraction <= 0) return false;
        ulong z = seed * 0x9E3779B97F4A7C15UL + (ulong)row + 0x632BE59BD9B4E019UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53)) < validationFraction;
    }

    /// <summary>Reads every row into <paramref name="values"/> in turn, yielding its position.</summary>
    private IEnumerable<long> Rows(float[] values, bool scan = false)
    {
        var vbuffer = default(VBuffer<float>);
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        long row = 0;
        while (cursor.MoveNext())
        {
            if ((row & 1023) == 0) checkAlive();
            if (row > 0 && row % RowsBetweenCollections == 0) GC.Collect();
            getter(ref vbuffer);
            if (vbuffer.Length != size)
                throw new InvalidOperationException($"Column '{column.Name}' has a row with {vbuffer.Length} values, but the autoencoder expects {size}.");
            vbuffer.CopyTo(values);
            yield return row++;
        }
        if (!scan && row != RowCount)
            throw new InvalidOperationException($"Column '{column.Name}' gave {row} rows on this pass but {RowCount} on the first; streaming needs data that reads the same each time.");
    }

    public override IEnumerable<RowBatch> TrainBatches(int batchSize, Random random)
    {
        var row = new float[size];
        var buffer = new float[(long)bufferRows * size];
        var batch = new float[(long)batchSize * size];
        int filled = 0, inBatch = 0;
        RowBatch Emit(int count) => new(count, () => torch.tensor(count == batchSize ? batch : batch.AsSpan(0, count * size).ToArray(), [count, size]));
        foreach (long index in Rows(row))
        {
            if (IsValidation(index)) continue;
            if (filled < bufferRows)
            {
                row.CopyTo(buffer.AsSpan(filled++ * size, size));
                continue;
            }
            int slot = random.Next(bufferRows);
            buffer.AsSpan(slot * size, size).CopyTo(batch.AsSpan(inBatch++ * size, size));
            row.CopyTo(buffer.AsSpan(slot * size, size));
            if (inBatch == batchSize)
            {
                yield return Emit(inBatch);
                inBatch = 0;
            }
        }
        // Drain what is left in the buffer, in a shuffled order.
        var order = Enumerable.Range(0, filled).Select(i => (long)i).ToArray();
        InMemoryTrainingRows.Shuffle(order, random);
        foreach (long slot in order)
        {
            buffer.AsSpan((int)slot * size, size).CopyTo(batch.AsSpan(inBatch++ * size, size));
            if (inBatch == batchSize)
            {
                yield return Emit(inBatch);
                inBatch = 0;
            }
        }
        if (inBatch > 0) yield return Emit(inBatch);
    }

    public override IEnumerable<RowBatch> ValidationBatches()
    {
        if (!HasValidation) yield break;
        var row = new float[size];
        var batch = new float[EvaluationBatchSize * size];
        int inBatch = 0;
        foreach (long index in Rows(row))
        {
            if (!IsValidation(index)) continue;
            row.CopyTo(batch.AsSpan(inBatch++ * size, size));
            if (inBatch == EvaluationBatchSize)
            {
                yield return new RowBatch(inBatch, () => torch.tensor(batch, [EvaluationBatchSize, size]));
                inBatch = 0;
            }
        }
        if (inBatch > 0)
        {
            int count = inBatch;
            yield return new RowBatch(count, () => torch.tensor(batch.AsSpan(0, count * size).ToArray(), [count, size]));
        }
    }
}
