using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Evaluation;

/// <summary>Reads whole columns of a data view into arrays, to feed <see cref="ClusteringAgreement"/>, plots or reports.</summary>
public static class ColumnReader
{
    /// <summary>Every row of a vector-of-Single column (such as an autoencoder's latent column), as dense arrays.
    /// Sparse rows are densified.</summary>
    /// <param name="data">The data to read.</param>
    /// <param name="columnName">A vector-of-Single column.</param>
    /// <returns>One array per row, in row order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="columnName"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a vector of Single.</exception>
    public static float[][] ReadVectors(IDataView data, string columnName)
    {
        var column = Find(data, columnName);
        if (column.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' is of type {column.Type}; expected a vector of Single.");
        var rows = new List<float[]>();
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var buffer = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            var row = new float[buffer.Length];
            buffer.CopyTo(row);
            rows.Add(row);
        }
        return rows.ToArray();
    }

    /// <summary>
    /// Every row of a class or cluster label column, as integers. Accepts a Single holding whole numbers (such as
    /// Fashion-MNIST's <c>Label</c>), an Int32, a UInt32, or a key with UInt32 storage (such as k-means'
    /// <c>PredictedLabel</c>). Keys keep their raw value: 1-based, with 0 meaning missing; no shift is applied, since the
    /// metrics accept any labels.
    /// </summary>
    /// <param name="data">The data to read.</param>
    /// <param name="columnName">The label column.</param>
    /// <returns>One label per row, in row order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> or <paramref name="columnName"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of another type.</exception>
    /// <exception cref="InvalidOperationException">A Single label is not a whole number in the Int32 range, or a UInt32 exceeds it.</exception>
    public static int[] ReadLabels(IDataView data, string columnName)
    {
        var column = Find(data, columnName);
        var type = column.Type;
        if (type == NumberDataViewType.Single)
            return Convert(data.GetColumn<float>(column), columnName, v => float.IsInteger(v) && v >= -2147483648f && v < 2147483648f, v => (int)v);
        if (type == NumberDataViewType.Int32)
            return data.GetColumn<int>(column).ToArray();
        // A key's RawType is its storage type, so this covers UInt32 numbers and UInt32 keys alike.
        if (type.RawType == typeof(uint) && (type == NumberDataViewType.UInt32 || type is KeyDataViewType))
            return Convert(data.GetColumn<uint>(column), columnName, v => v <= int.MaxValue, v => (int)v);
        throw new ArgumentOutOfRangeException(nameof(columnName),
            $"Column '{columnName}' is of type {type}; expected Single, Int32, UInt32 or a UInt32 key (use ConvertType or MapValueToKey first).");
    }

    private static int[] Convert<T>(IEnumerable<T> values, string columnName, Func<T, bool> fits, Func<T, int> convert)
    {
        var result = new List<int>();
        foreach (var value in values)
        {
            // Truncating 2.5 or NaN would silently invent a class, so refuse it.
            if (!fits(value))
                throw new InvalidOperationException($"Column '{columnName}' has the value {value} in row {result.Count}, which is not a whole number in the Int32 range.");
            result.Add(convert(value));
        }
        return result.ToArray();
    }

    private static DataViewSchema.Column Find(IDataView data, string columnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(columnName);
        return data.Schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentOutOfRangeException(nameof(columnName),
                $"Column '{columnName}' is not in the data. Columns present: {string.Join(", ", data.Schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
    }
}
