using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.Autoencoders.Data;

/// <summary>
/// An <see cref="IDataView"/> straight over the arrays of a <see cref="FashionMnistData"/>: <c>Label</c> (Single)
/// and <c>Features</c> (Single vector of 784). Unlike <c>LoadFromEnumerable</c> it copies each row directly into the
/// caller's reusable buffer (no per-row array), knows its row count, and supports shuffled cursors.
/// </summary>
internal sealed class FashionMnistDataView : IDataView
{
    private readonly FashionMnistData _data;

    public FashionMnistDataView(FashionMnistData data)
    {
        _data = data;
        var builder = new DataViewSchema.Builder();
        builder.AddColumn(FashionMnist.LabelColumnName, NumberDataViewType.Single);
        builder.AddColumn(FashionMnist.FeaturesColumnName,
            new VectorDataViewType(NumberDataViewType.Single, FashionMnist.FeatureCount));
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => true;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _data.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
            active[column.Index] = true;
        return new Cursor(this, active, rand is null ? null : Permutation(rand, _data.Count));
    }

    // The arrays are in memory and a cursor is cheap, so a single cursor is as good as a parallel set.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private static int[] Permutation(Random rand, int count)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
            order[i] = i;
        rand.Shuffle(order);
        return order;
    }

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly FashionMnistDataView _parent;
        private readonly bool[] _active;
        private readonly int[]? _order;
        private long _position = -1;
        private int _row = -1;

        public Cursor(FashionMnistDataView parent, bool[] active, int[]? order)
        {
            _parent = parent;
            _active = active;
            _order = order;
        }

        public override DataViewSchema Schema => _parent.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (_position + 1 >= _parent._data.Count)
            {
                // Stay past the end so repeated calls keep returning false.
                _position = _parent._data.Count;
                _row = -1;
                return false;
            }
            _position++;
            _row = _order is null ? (int)_position : _order[_position];
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        // The id is the row's index in the file, so it is unique and stable across shuffled cursors.
        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) =>
            {
                EnsureOnRow();
                value = new DataViewRowId((ulong)_row, 0);
            };

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < 0 || column.Index >= _active.Length || !_active[column.Index])
                throw new InvalidOperationException($"Column '{column.Name}' is not active in this cursor.");

            var data = _parent._data;
            Delegate getter;
            if (column.Index == 0)
            {
                if (typeof(TValue) != typeof(float))
                    throw TypeMismatch(column, typeof(float));
                getter = (ValueGetter<float>)((ref float value) =>
                {
                    EnsureOnRow();
                    value = data.Labels[_row];
                });
            }
            else
            {
                if (typeof(TValue) != typeof(VBuffer<float>))
                    throw TypeMismatch(column, typeof(VBuffer<float>));
                getter = (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                {
                    EnsureOnRow();
                    // The editor reuses the caller's arrays when they are big enough, so rows cost no allocation.
                    var editor = VBufferEditor.Create(ref value, FashionMnist.FeatureCount);
                    data.Features.AsSpan(_row * FashionMnist.FeatureCount, FashionMnist.FeatureCount).CopyTo(editor.Values);
                    value = editor.Commit();
                });
            }
            return (ValueGetter<TValue>)getter;
        }

        private void EnsureOnRow()
        {
            if (_row < 0)
                throw new InvalidOperationException("The cursor is not on a row; call MoveNext first and check it returned true.");
        }

        private static InvalidOperationException TypeMismatch(DataViewSchema.Column column, Type expected) =>
            new($"Column '{column.Name}' holds {expected.Name} values; a getter of a different type was requested.");
    }
}
