using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Data;

/// <summary>A data view with no rows and one known-size Single vector column: enough to fit ML.NET's
/// OnnxTransformer, which only reads the schema.</summary>
internal static class EmptyInput
{
    private sealed class Row
    {
        public float[] Features = [];
    }

    public static IDataView Create(string columnName, int size)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[0].ColumnName = columnName;
        definition[0].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        // No rows and no randomness: a private context serves.
        return new MLContext().Data.LoadFromEnumerable(Array.Empty<Row>(), definition);
    }
}
