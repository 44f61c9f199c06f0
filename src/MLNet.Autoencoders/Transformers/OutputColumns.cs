using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Transformers;

/// <summary>One column a featurizer adds: the tensor of the batched ONNX graph that fills it, its name and its width.</summary>
internal sealed record OutputColumn(string Tensor, string Name, int Width);

/// <summary>The columns a featurizer (autoencoder or VAE) adds, in order, each a known-size vector of Single filled by one
/// output tensor of the batched ONNX graph.</summary>
internal sealed class OutputColumns
{
    private readonly OutputColumn[] columns;

    public OutputColumns(string inputColumn, int inputSize, IEnumerable<OutputColumn> columns)
    {
        InputColumn = inputColumn;
        InputSize = inputSize;
        this.columns = columns.ToArray();
    }

    public string InputColumn { get; }

    public int InputSize { get; }

    public int Count => columns.Length;

    public OutputColumn this[int slot] => columns[slot];

    public IEnumerable<string> Names => columns.Select(c => c.Name);

    /// <summary>The input schema with the output columns added last (hiding any input column of the same name).</summary>
    public DataViewSchema AppendTo(DataViewSchema input)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var column in columns)
            builder.AddColumn(column.Name, new VectorDataViewType(NumberDataViewType.Single, column.Width));
        return builder.ToSchema();
    }
}
