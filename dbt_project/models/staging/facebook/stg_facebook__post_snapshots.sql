{{ stg_post_snapshots(source('raw', 'facebook__post_snapshots')) }}
