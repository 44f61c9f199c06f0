using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Evaluation;

/// <summary>Reads whole columns out of a data view, for metrics and plots.</summary>
public static class ColumnReader
{
    /// <summary>Every row of a vector-of-Single column, as dense arrays.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or not a vector of Single.</exception>
    public static float[][] ReadVectors(IDataView data, string columnName)
    {
        var column = Find(data, columnName);
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType t } || t != NumberDataViewType.Single)
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

    /// <summary>Every row of a class-label column as integers: a Single holding whole numbers (such as Fashion-MNIST's
    /// <c>Label</c>), or a key (UInt32; the raw key value, 1-based, 0 for missing).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of another type.</exception>
    public static int[] ReadLabels(IDataView data, string columnName)
    {
        var column = Find(data, columnName);
        if (column.Type == NumberDataViewType.Single)
            return data.GetColumn<float>(column).Select(v => (int)v).ToArray();
        if (column.Type is KeyDataViewType || column.Type == NumberDataViewType.UInt32)
            return data.GetColumn<uint>(column).Select(v => (int)v).ToArray();
        throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' is of type {column.Type}; expected Single or a key.");
    }

    private static DataViewSchema.Column Find(IDataView data, string columnName) =>
        data.Schema.GetColumnOrNull(columnName)
        ?? throw new ArgumentOutOfRangeException(nameof(columnName), $"Column '{columnName}' is not in the data.");
}
