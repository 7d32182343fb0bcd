{{ stg_follower_online_hours(source('raw', 'x__follower_online_hours')) }}
