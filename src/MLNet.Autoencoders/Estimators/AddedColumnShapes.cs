using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders;

/// <summary>
/// The estimator side of a featurizer's schema: checks the input column in a <see cref="SchemaShape"/> and describes the
/// added columns (all known-size vectors of Single). <see cref="SchemaShape.Column"/>'s constructor is internal to ML.NET,
/// so the shapes come from a public estimator's output schema: a CustomMapping whose output row has the same column types.
/// The mapping never runs.
/// </summary>
internal static class AddedColumnShapes
{
    private sealed class NoInput { }

    // One field per column a featurizer can add (latent, log-variance, reconstruction, score).
    private sealed class Added
    {
        public float[] C0 = [];
        public float[] C1 = [];
        public float[] C2 = [];
        public float[] C3 = [];
    }

    /// <summary>The input schema with <paramref name="addedColumns"/> appended (replacing same-named columns).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not a known-size vector of Single.</exception>
    public static SchemaShape Append(TransformsCatalog transforms, SchemaShape inputSchema, string inputColumn, string consumer, IReadOnlyList<string> addedColumns)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var matches = inputSchema.Where(c => c.Name == inputColumn).ToArray();
        if (matches.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Column '{inputColumn}' is not in the data. Columns present: {string.Join(", ", inputSchema.Select(c => $"'{c.Name}'"))}.");
        var column = matches[^1];
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                column.Kind == SchemaShape.Column.VectorKind.VariableVector
                    ? $"Column '{inputColumn}' is a variable-size vector; {consumer} needs a known-size vector of Single."
                    : $"Column '{inputColumn}' is of type {column.ItemType}{(column.Kind == SchemaShape.Column.VectorKind.Scalar ? "" : " vector")}; {consumer} needs a known-size vector of Single.");
        var added = Describe(transforms, addedColumns);
        var names = added.Select(c => c.Name).ToHashSet();
        return new SchemaShape(inputSchema.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    private static IEnumerable<SchemaShape.Column> Describe(TransformsCatalog transforms, IReadOnlyList<string> columns)
    {
        var definition = SchemaDefinition.Create(typeof(Added));
        var fields = new[] { nameof(Added.C0), nameof(Added.C1), nameof(Added.C2), nameof(Added.C3) };
        if (columns.Count > fields.Length) throw new ArgumentException($"At most {fields.Length} added columns.", nameof(columns));
        for (int i = 0; i < fields.Length; i++)
        {
            if (i < columns.Count)
            {
                var column = definition.Single(c => c.MemberName == fields[i]);
                column.ColumnName = columns[i];
                column.ColumnType = new VectorDataViewType(NumberDataViewType.Single, 1);
            }
            else
            {
                string field = fields[i];
                definition.RemoveAll(c => c.MemberName == field);
            }
        }
        var estimator = transforms.CustomMapping<NoInput, Added>((_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        var names = columns.ToHashSet();
        return estimator.GetOutputSchema(new SchemaShape([])).Where(c => names.Contains(c.Name)).ToArray();
    }
}
