using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Export;

/// <summary>Reads the first rows of any scalar or vector column as boxed values: numbers, keys and booleans as
/// <see cref="double"/>, text as <see cref="string"/> (for comparing ML.NET with ONNX Runtime).</summary>
internal static class ColumnValues
{
    private static readonly MethodInfo ReadTypedMethod = typeof(ColumnValues).GetMethod(nameof(ReadTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static List<object[]> Read(IDataView view, string columnName, int maxRows)
    {
        var column = view.Schema[columnName];
        bool vector = column.Type is VectorDataViewType;
        var item = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        try
        {
            return (List<object[]>)ReadTypedMethod.MakeGenericMethod(item.RawType).Invoke(null, [view, column, maxRows, vector])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    private static List<object[]> ReadTyped<T>(IDataView view, DataViewSchema.Column column, int maxRows, bool vector)
    {
        var rows = new List<object[]>();
        using var cursor = view.GetRowCursor([column]);
        if (vector)
        {
            var getter = cursor.GetGetter<VBuffer<T>>(column);
            VBuffer<T> buffer = default;
            while (rows.Count < maxRows && cursor.MoveNext())
            {
                getter(ref buffer);
                rows.Add(buffer.DenseValues().Select(Box).ToArray());
            }
        }
        else
        {
            var getter = cursor.GetGetter<T>(column);
            T value = default!;
            while (rows.Count < maxRows && cursor.MoveNext())
            {
                getter(ref value);
                rows.Add([Box(value)]);
            }
        }
        return rows;
    }

    /// <summary>A value as the comparison sees it: a string for text, else a double.</summary>
    public static object Box<T>(T value) => value switch
    {
        ReadOnlyMemory<char> text => text.ToString(),
        string text => text,
        bool b => b ? 1.0 : 0.0,
        IConvertible number => number.ToDouble(CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };
}
