using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Data;

/// <summary>Checks that a column can feed an autoencoder and reads it into one contiguous row-major buffer.</summary>
internal static class FeatureColumn
{
    /// <summary>Finds <paramref name="columnName"/> and returns its vector size, or throws an error that names the column,
    /// what <paramref name="consumer"/> needs and what the column is.</summary>
    /// <param name="schema">Where to look.</param>
    /// <param name="columnName">The column.</param>
    /// <param name="consumer">Who needs the column, for the message ("the autoencoder", "PCA").</param>
    /// <param name="parameterName">The caller's parameter that named the column, for the exception.</param>
    public static int GetVectorSize(DataViewSchema schema, string columnName, string consumer = "the autoencoder", string parameterName = "inputColumnName")
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(parameterName,
                $"Column '{columnName}' is not in the data. Columns present: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column '{columnName}' is of type {column.Type}; {consumer} needs a known-size vector of Single (use ConcatenateColumns or ConvertType to make one).");
        if (!vector.IsKnownSize)
            throw new ArgumentOutOfRangeException(parameterName,
                $"Column '{columnName}' is a variable-size vector; {consumer} needs a known-size vector of Single.");
        return vector.Size;
    }

    /// <summary>Reads every row of the column into one buffer (rows × size), refusing NaN and infinities.
    /// One VBuffer is reused for all rows, so there is no managed allocation per row; a view that already holds the rows
    /// in one buffer (the Fashion-MNIST loaders' views) lends that buffer instead of being copied.</summary>
    public static FeatureMatrix Read(IDataView data, string columnName, int size, Action? checkAlive = null)
    {
        var matrix = (data as MatrixDataView)?.SharedFeatures(columnName) is { } shared
            ? CheckRows(shared, columnName, checkAlive)
            : Copy(data, columnName, size, checkAlive);
        if (matrix.Rows == 0) throw NoRows(columnName);
        return matrix;
    }

    /// <summary>The error for a column with no rows to train on.</summary>
    public static InvalidOperationException NoRows(string columnName) =>
        new($"Column '{columnName}' has no rows: the autoencoder needs at least one row to train.");

    /// <summary>Refuses a NaN or infinity in <paramref name="row"/>, naming the column, the row and the slot.</summary>
    public static void CheckFinite(ReadOnlySpan<float> row, string columnName, long rowIndex)
    {
        // A sum is finite only when every value is (barring overflow, which the loop below then rules out): one fast pass per row.
        if (float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(row))) return;
        for (int j = 0; j < row.Length; j++)
        {
            if (!float.IsFinite(row[j]))
                throw new InvalidOperationException(
                    $"Column '{columnName}' has a {(float.IsNaN(row[j]) ? "NaN" : "infinite")} value in row {rowIndex} (slot {j}); the autoencoder needs finite values. Replace missing values first (e.g. ReplaceMissingValues).");
        }
    }

    private static FeatureMatrix CheckRows(FeatureMatrix matrix, string columnName, Action? checkAlive)
    {
        for (int row = 0; row < matrix.Rows; row++)
        {
            if ((row & 1023) == 0) checkAlive?.Invoke();
            CheckFinite(matrix.Row(row), columnName, row);
        }
        return matrix;
    }

    private static FeatureMatrix Copy(IDataView data, string columnName, int size, Action? checkAlive)
    {
        var column = data.Schema[columnName];
        long? known = data.GetRowCount();
        var buffer = new float[checked((int)Math.Min((known ?? 1024) * size, int.MaxValue))];
        int rows = 0;
        var vbuffer = default(VBuffer<float>);
        using (var cursor = data.GetRowCursor(new[] { column }))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(column);
            while (cursor.MoveNext())
            {
                if ((rows & 1023) == 0) checkAlive?.Invoke();
                getter(ref vbuffer);
                if ((long)(rows + 1) * size > buffer.Length)
                {
                    long grown = Math.Max((long)buffer.Length * 2, (long)(rows + 1) * size);
                    if (grown > Array.MaxLength)
                        throw new InvalidOperationException($"Column '{columnName}' holds more values than one buffer can keep ({rows} rows of {size}).");
                    Array.Resize(ref buffer, (int)grown);
                }
                var row = buffer.AsSpan(rows * size, size);
                vbuffer.CopyTo(row);
                CheckFinite(row, columnName, rows);
                rows++;
            }
        }
        return new FeatureMatrix(buffer, rows, size);
    }
}

/// <summary>Rows of a feature column in one row-major buffer (the buffer may be longer than rows × columns).</summary>
internal sealed record FeatureMatrix(float[] Values, int Rows, int Columns)
{
    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Columns, Columns);

    public (float Min, float Max) Range()
    {
        var used = Values.AsSpan(0, Rows * Columns);
        return (System.Numerics.Tensors.TensorPrimitives.Min(used), System.Numerics.Tensors.TensorPrimitives.Max(used));
    }
}
