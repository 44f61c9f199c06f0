using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Export;

/// <summary>
/// A view of another view's visible columns only, that is not an ML.NET <c>IDataTransform</c>. ML.NET's ONNX converter walks
/// back through <c>IDataTransform</c>s from a transformer's output; handing it this view stops the walk here, so the converted
/// graph's inputs are exactly the columns at this point of the pipeline, each name once.
/// </summary>
internal sealed class VisibleColumnsDataView : IDataView
{
    private readonly IDataView source;
    private readonly int[] sourceIndex;

    public VisibleColumnsDataView(IDataView source)
    {
        this.source = source;
        var builder = new DataViewSchema.Builder();
        var indices = new List<int>();
        foreach (var column in source.Schema)
        {
            if (column.IsHidden) continue;
            builder.AddColumn(column.Name, column.Type, column.Annotations);
            indices.Add(column.Index);
        }
        Schema = builder.ToSchema();
        sourceIndex = indices.ToArray();
    }

    public bool CanShuffle => source.CanShuffle;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => source.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, source.GetRowCursor(columnsNeeded.Select(c => source.Schema[sourceIndex[c.Index]]), rand));

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(VisibleColumnsDataView parent, DataViewRowCursor inner) : DataViewRowCursor
    {
        public override DataViewSchema Schema => parent.Schema;

        public override long Position => inner.Position;

        public override long Batch => inner.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => inner.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => inner.IsColumnActive(Inner(column));

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => inner.GetGetter<TValue>(Inner(column));

        public override bool MoveNext() => inner.MoveNext();

        private DataViewSchema.Column Inner(DataViewSchema.Column column) => inner.Schema[parent.sourceIndex[column.Index]];

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
