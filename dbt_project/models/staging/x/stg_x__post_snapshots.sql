{{ stg_post_snapshots(source('raw', 'x__post_snapshots')) }}
